DROP INDEX "feed_records_applied_once";--> statement-breakpoint
ALTER TABLE "feed_records" ADD COLUMN "revision" varchar(32);--> statement-breakpoint
-- Hand-added: existing records get the digest intake now computes (md5 of the ID hash and the row as
-- delivered; applying a record later adds `warning` and review adds `candidates`, so those are left out).
UPDATE "feed_records" SET "revision" = md5("id_hash" || '|' || ("data" - 'warning' - 'candidates')::text) WHERE "id_hash" IS NOT NULL AND "data" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "feed_records_applied_once" ON "feed_records" USING btree ("feed_type","record_key","revision") WHERE "feed_records"."status" = 'applied';
