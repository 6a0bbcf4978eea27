-- Hand-written (drizzle-kit cannot express functions): the vocabulary triggers of 0023 take one
-- transaction-level advisory lock before changing listing_search_words. Each statement changed its words
-- in word order, but an upsert fires both its UPDATE and its INSERT statement trigger (two passes, each
-- in order, not one order overall), and so does a cascade deleting several listings: two transactions
-- could each hold a word the other needed next (reproduced: a reindex batch against a worker's sync,
-- "deadlock detected … listing_search_words"). Vocabulary changes are small and short, so serializing
-- them costs little. An AFTER STATEMENT trigger runs once its statement holds all its row locks, so
-- writers that change documents one statement per transaction (the worker's sync, each batch of the
-- engine's index(), remove(), clear()) now only wait for each other.
CREATE OR REPLACE FUNCTION "listing_search_words_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed_words text[];
  changed_counts integer[];
BEGIN
  -- One writer of the vocabulary at a time (until its transaction ends).
  PERFORM pg_advisory_xact_lock(hashtext('listing_search_words'));
  IF TG_OP = 'TRUNCATE' THEN
    DELETE FROM "listing_search_words";
    RETURN NULL;
  ELSIF TG_OP = 'INSERT' THEN
    SELECT array_agg(word ORDER BY word), array_agg(n ORDER BY word) INTO changed_words, changed_counts
    FROM (SELECT word, count(*)::integer AS n FROM new_documents, unnest(tsvector_to_array(document)) AS word GROUP BY word) c;
  ELSIF TG_OP = 'DELETE' THEN
    SELECT array_agg(word ORDER BY word), array_agg(n ORDER BY word) INTO changed_words, changed_counts
    FROM (SELECT word, -count(*)::integer AS n FROM old_documents, unnest(tsvector_to_array(document)) AS word GROUP BY word) c;
  ELSE
    SELECT array_agg(word ORDER BY word), array_agg(n ORDER BY word) INTO changed_words, changed_counts
    FROM (
      SELECT word, sum(n)::integer AS n FROM (
        SELECT word, 1 AS n FROM new_documents, unnest(tsvector_to_array(document)) AS word
        UNION ALL
        SELECT word, -1 FROM old_documents, unnest(tsvector_to_array(document)) AS word
      ) d GROUP BY word HAVING sum(n) <> 0
    ) c;
  END IF;
  IF changed_words IS NULL THEN
    RETURN NULL;
  END IF;
  INSERT INTO "listing_search_words" AS w ("word", "documents")
  SELECT word, n FROM unnest(changed_words, changed_counts) WITH ORDINALITY AS c(word, n, i) ORDER BY i
  ON CONFLICT ("word") DO UPDATE SET "documents" = w."documents" + excluded."documents";
  DELETE FROM "listing_search_words" WHERE "word" = ANY (changed_words) AND "documents" <= 0;
  RETURN NULL;
END
$$;
