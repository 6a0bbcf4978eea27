ALTER TABLE "household_needs" ADD COLUMN "created_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
-- Hand-added (not generated): needs that existed before this column was added take their
-- household's creation time, the best known "recorded at", instead of the migration's now().
UPDATE "household_needs" n SET "created_at" = h."created_at" FROM "households" h WHERE h."id" = n."household_id";
