ALTER TABLE "household_members" ADD COLUMN "id_hash" varchar(64);--> statement-breakpoint
ALTER TABLE "household_members" ADD COLUMN "id_sealed" text;--> statement-breakpoint
ALTER TABLE "household_members" ADD COLUMN "id_masked" varchar(24);--> statement-breakpoint
ALTER TABLE "household_versions" ADD COLUMN "changed_by_label" varchar(48);--> statement-breakpoint
CREATE INDEX "household_members_id_hash_index" ON "household_members" USING btree ("id_hash");