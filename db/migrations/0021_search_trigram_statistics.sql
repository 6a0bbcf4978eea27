-- Hand-written: drizzle-kit cannot express a per-column statistics target.
-- The planner estimates the search engine's typo fallback (`'words' <% trigram_text`) by running
-- word_similarity() over the column's most common values and histogram: about 200 calls of ~15 µs,
-- 3 ms of planning on every search (the rest of the statement plans in about 1 ms). With a target of
-- 10 there is no histogram to run it on (fewer than 100 entries) and 10 common values; the estimate
-- falls back to pg_trgm's default selectivity, which does not change the plan (the engine reads the
-- trigram index with sequential scans off). Nothing else filters on trigram_text. It takes effect at
-- the next ANALYZE (autovacuum's, or the benchmark's after seeding).
ALTER TABLE "listing_search_documents" ALTER COLUMN "trigram_text" SET STATISTICS 10;
