-- Hand-written (drizzle-kit cannot express triggers): ledger transfers are append-only.
-- A posted, pending, post or void row is never updated or deleted; mistakes are corrected by
-- a new reversing transfer. Row triggers refuse UPDATE and DELETE; a statement trigger refuses
-- TRUNCATE, which fires no row trigger. The same holds for the record of failed transfer ids
-- (a failed id must stay failed). Reuses gongjian_refuse_change() from the audit migration.
CREATE OR REPLACE FUNCTION gongjian_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER ledger_transfers_no_update_delete BEFORE UPDATE OR DELETE ON ledger_transfers
  FOR EACH ROW EXECUTE FUNCTION gongjian_refuse_change();--> statement-breakpoint
CREATE TRIGGER ledger_transfers_no_truncate BEFORE TRUNCATE ON ledger_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION gongjian_refuse_change();--> statement-breakpoint
CREATE TRIGGER ledger_failed_transfers_no_update_delete BEFORE UPDATE OR DELETE ON ledger_failed_transfers
  FOR EACH ROW EXECUTE FUNCTION gongjian_refuse_change();--> statement-breakpoint
CREATE TRIGGER ledger_failed_transfers_no_truncate BEFORE TRUNCATE ON ledger_failed_transfers
  FOR EACH STATEMENT EXECUTE FUNCTION gongjian_refuse_change();
