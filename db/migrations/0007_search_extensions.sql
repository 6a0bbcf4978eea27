-- Hand-written: drizzle-kit cannot express extensions or operator-class indexes.
-- pg_trgm gives the search engine its typo / partial-word fallback: a trigram GIN index
-- over the title + position + skill names of every indexed listing (listing_search_documents).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "listing_search_documents_trigram_gin" ON "listing_search_documents" USING gin ("trigram_text" gin_trgm_ops);
