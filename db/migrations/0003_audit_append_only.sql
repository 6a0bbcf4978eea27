-- Hand-written (drizzle-kit cannot express triggers): the audit log is append-only.
-- Row triggers refuse UPDATE and DELETE; a statement trigger refuses TRUNCATE, which
-- fires no row trigger. Nobody can edit the log from the app, whatever the query.
CREATE OR REPLACE FUNCTION gongjian_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_entries_no_update_delete BEFORE UPDATE OR DELETE ON audit_entries
  FOR EACH ROW EXECUTE FUNCTION gongjian_refuse_change();--> statement-breakpoint
CREATE TRIGGER audit_entries_no_truncate BEFORE TRUNCATE ON audit_entries
  FOR EACH STATEMENT EXECUTE FUNCTION gongjian_refuse_change();
