-- Hand-written: drizzle-kit cannot express triggers or a data backfill.
-- listing_search_words (the search vocabulary: each distinct word of listing_search_documents.document
-- with the number of documents holding it) follows every change of the documents in the same
-- transaction, whoever makes it: the engine's index() (an upsert: insert or update), remove() and
-- clear() (deletes), and a listing deleted with its document (ON DELETE CASCADE). Statement-level
-- triggers with transition tables see the rows each statement really replaced (an upsert that lost to
-- a newer version changes nothing), and apply one net change per word: an edit that keeps a word does
-- not touch its row. Rows are changed in word order, so concurrent statements lock them in the same
-- order and cannot deadlock on them; a word whose count reaches zero is deleted, so the fallback never
-- offers a word no document has.
CREATE FUNCTION "listing_search_words_sync"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  changed_words text[];
  changed_counts integer[];
BEGIN
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
--> statement-breakpoint
CREATE TRIGGER "listing_search_words_insert" AFTER INSERT ON "listing_search_documents"
  REFERENCING NEW TABLE AS new_documents FOR EACH STATEMENT EXECUTE FUNCTION "listing_search_words_sync"();
--> statement-breakpoint
CREATE TRIGGER "listing_search_words_update" AFTER UPDATE ON "listing_search_documents"
  REFERENCING OLD TABLE AS old_documents NEW TABLE AS new_documents FOR EACH STATEMENT EXECUTE FUNCTION "listing_search_words_sync"();
--> statement-breakpoint
CREATE TRIGGER "listing_search_words_delete" AFTER DELETE ON "listing_search_documents"
  REFERENCING OLD TABLE AS old_documents FOR EACH STATEMENT EXECUTE FUNCTION "listing_search_words_sync"();
--> statement-breakpoint
CREATE TRIGGER "listing_search_words_truncate" AFTER TRUNCATE ON "listing_search_documents"
  FOR EACH STATEMENT EXECUTE FUNCTION "listing_search_words_sync"();
--> statement-breakpoint
-- The documents indexed before this migration.
INSERT INTO "listing_search_words" ("word", "documents")
SELECT word, count(*)::integer FROM "listing_search_documents", unnest(tsvector_to_array("document")) AS word GROUP BY word
ON CONFLICT ("word") DO UPDATE SET "documents" = excluded."documents";
