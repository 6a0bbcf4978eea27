CREATE TABLE "listing_search_words" (
	"word" text PRIMARY KEY NOT NULL,
	"documents" integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX "listing_search_words_trigram_gin" ON "listing_search_words" USING gin ("word" gin_trgm_ops);