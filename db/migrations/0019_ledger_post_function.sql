-- Hand-written (drizzle-kit cannot express functions): one transfer posted in ONE round trip.
-- createTransfer() used to spend ~7 round trips per transfer (BEGIN, SET TRANSACTION, two look-ups,
-- SELECT … FOR UPDATE, INSERT, UPDATE, COMMIT) and held the escrow row lock across most of them, so a
-- single transfer cost ~6× a raw transaction (ADR 031). This function does the state-dependent half of
-- the same posting inside the server, in one statement at READ COMMITTED:
--   idempotency look-up → failed-id look-up → hold look-up and checks → lock both accounts in id order
--   (FOR UPDATE) → resolution/expiry/closed/flag checks under the locks → INSERT → UPDATE both accounts.
-- The order of checks and the error codes/params mirror Batch.apply() in app/models/ledger.server.ts;
-- stateless checks (id shape, amount parse, same accounts, timeout) stay in TypeScript, which only calls
-- this function for inputs that passed them. It never raises for a refusal: it returns
-- {"status":"error","code":…,"params":…} so nothing is written and the caller's transaction stays usable.
-- The CHECK constraints, the unique resolution index and the append-only triggers still apply to its writes.
CREATE OR REPLACE FUNCTION gongjian_ledger_transfer(
  p_id varchar, p_code ledger_transfer_code, p_debit uuid, p_credit uuid, p_amount numeric, p_ledger varchar,
  p_pending boolean, p_post boolean, p_void boolean, p_pending_id varchar, p_timeout integer,
  p_listing uuid, p_lot uuid, p_milestone uuid, p_claim uuid, p_actor uuid, p_note text, p_now timestamptz
) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  t ledger_transfers%ROWTYPE;
  p ledger_transfers%ROWTYPE;
  d ledger_accounts%ROWTYPE;
  c ledger_accounts%ROWTYPE;
  r ledger_accounts%ROWTYPE;
  v_reason varchar;
  v_scale smallint;
  v_debit uuid := p_debit;
  v_credit uuid := p_credit;
  v_ledger varchar := p_ledger;
  v_amount numeric := p_amount;
  v_held numeric := 0;
  v_dpending numeric := 0;
  v_dposted numeric := 0;
  v_by varchar;
  v_resolving boolean := p_post OR p_void;
BEGIN
  SELECT * INTO t FROM ledger_transfers WHERE id = p_id;
  IF FOUND THEN
    RETURN jsonb_build_object('status', 'existing', 'row', to_jsonb(t) || jsonb_build_object('amount', t.amount::text));
  END IF;
  SELECT reason INTO v_reason FROM ledger_failed_transfers WHERE id = p_id;
  IF FOUND THEN
    RETURN jsonb_build_object('status', 'error', 'code', 'previously_failed', 'params', jsonb_build_object('reason', v_reason));
  END IF;

  IF v_resolving THEN
    SELECT * INTO p FROM ledger_transfers WHERE id = p_pending_id;
    IF NOT FOUND THEN
      RETURN jsonb_build_object('status', 'error', 'code', 'pending_not_found', 'params', jsonb_build_object('pendingId', p_pending_id));
    END IF;
    IF NOT p.pending THEN
      RETURN jsonb_build_object('status', 'error', 'code', 'pending_not_pending', 'params', jsonb_build_object('pendingId', p_pending_id));
    END IF;
    IF (p_debit IS NOT NULL AND p_debit <> p.debit_account_id) OR (p_credit IS NOT NULL AND p_credit <> p.credit_account_id)
       OR (p_ledger IS NOT NULL AND p_ledger <> p.ledger) THEN
      RETURN jsonb_build_object('status', 'error', 'code', 'pending_fields_mismatch', 'params', jsonb_build_object('pendingId', p.id));
    END IF;
    v_debit := p.debit_account_id;
    v_credit := p.credit_account_id;
    v_ledger := p.ledger;
    v_held := p.amount;
    SELECT scale INTO v_scale FROM ledger_assets WHERE code = v_ledger;
    IF NOT FOUND THEN
      RETURN jsonb_build_object('status', 'error', 'code', 'asset_not_found', 'params', jsonb_build_object('ledger', v_ledger));
    END IF;
    IF v_amount IS NULL THEN
      v_amount := v_held;
    ELSIF scale(trim_scale(v_amount)) > v_scale THEN
      RETURN jsonb_build_object('status', 'error', 'code', 'amount_too_precise', 'params', jsonb_build_object('value', trim_scale(v_amount)::text, 'scale', v_scale));
    END IF;
    IF p_void AND v_amount <> v_held THEN
      RETURN jsonb_build_object('status', 'error', 'code', 'void_amount_mismatch', 'params', jsonb_build_object('amount', trim_scale(v_amount)::text, 'held', trim_scale(v_held)::text));
    END IF;
    IF p_post AND v_amount > v_held THEN
      RETURN jsonb_build_object('status', 'error', 'code', 'post_exceeds_pending', 'params', jsonb_build_object('amount', trim_scale(v_amount)::text, 'held', trim_scale(v_held)::text));
    END IF;
  END IF;

  -- Both accounts locked at once, lower id first (the batch path locks in the same order: no deadlocks).
  FOR r IN SELECT * FROM ledger_accounts WHERE id IN (v_debit, v_credit) ORDER BY id FOR UPDATE LOOP
    IF r.id = v_debit THEN d := r; ELSE c := r; END IF;
  END LOOP;

  IF NOT v_resolving THEN
    IF d.id IS NULL THEN
      RETURN jsonb_build_object('status', 'error', 'code', 'account_not_found', 'params', jsonb_build_object('account', v_debit));
    END IF;
    v_ledger := coalesce(v_ledger, d.ledger);
    SELECT scale INTO v_scale FROM ledger_assets WHERE code = v_ledger;
    IF NOT FOUND THEN
      RETURN jsonb_build_object('status', 'error', 'code', 'asset_not_found', 'params', jsonb_build_object('ledger', v_ledger));
    END IF;
    IF scale(trim_scale(v_amount)) > v_scale THEN
      RETURN jsonb_build_object('status', 'error', 'code', 'amount_too_precise', 'params', jsonb_build_object('value', trim_scale(v_amount)::text, 'scale', v_scale));
    END IF;
  END IF;
  IF d.id IS NULL THEN
    RETURN jsonb_build_object('status', 'error', 'code', 'account_not_found', 'params', jsonb_build_object('account', v_debit));
  END IF;
  IF c.id IS NULL THEN
    RETURN jsonb_build_object('status', 'error', 'code', 'account_not_found', 'params', jsonb_build_object('account', v_credit));
  END IF;
  IF d.ledger <> v_ledger OR c.ledger <> v_ledger THEN
    RETURN jsonb_build_object('status', 'error', 'code', 'ledger_mismatch', 'params', jsonb_build_object('debit', d.ledger, 'credit', c.ledger, 'ledger', v_ledger));
  END IF;

  IF p_pending THEN
    v_dpending := v_amount;
  ELSIF p_post THEN
    v_dpending := -v_held;
    v_dposted := v_amount;
  ELSIF p_void THEN
    v_dpending := -v_held;
  ELSE
    v_dposted := v_amount;
  END IF;

  IF v_resolving THEN
    -- Under the locks: a concurrent resolution of this hold has committed by now, or comes after us.
    SELECT id INTO v_by FROM ledger_transfers WHERE pending_id = p.id;
    IF FOUND THEN
      RETURN jsonb_build_object('status', 'error', 'code', 'pending_already_resolved', 'params', jsonb_build_object('pendingId', p.id, 'by', v_by));
    END IF;
    IF p_post AND p.expires_at IS NOT NULL AND p.expires_at <= p_now THEN
      RETURN jsonb_build_object('status', 'error', 'code', 'pending_expired', 'params', jsonb_build_object('pendingId', p.id));
    END IF;
  ELSIF d.closed_at IS NOT NULL OR c.closed_at IS NOT NULL THEN
    RETURN jsonb_build_object('status', 'error', 'code', 'account_closed', 'params', '{}'::jsonb);
  END IF;

  IF d.debits_must_not_exceed_credits AND d.debits_pending + d.debits_posted + v_dpending + v_dposted > d.credits_posted THEN
    RETURN jsonb_build_object('status', 'error', 'code', 'exceeds_credits', 'params', jsonb_build_object(
      'available', trim_scale(d.credits_posted - d.debits_pending - d.debits_posted)::text, 'amount', trim_scale(v_amount)::text));
  END IF;
  IF c.credits_must_not_exceed_debits AND c.credits_pending + c.credits_posted + v_dpending + v_dposted > c.debits_posted THEN
    RETURN jsonb_build_object('status', 'error', 'code', 'exceeds_debits', 'params', jsonb_build_object('amount', trim_scale(v_amount)::text));
  END IF;

  INSERT INTO ledger_transfers (id, debit_account_id, credit_account_id, amount, ledger, code, pending, post_pending, void_pending,
    linked, pending_id, timeout_seconds, expires_at, listing_id, lot_id, milestone_id, claim_id, actor_id, note, created_at)
  VALUES (p_id, v_debit, v_credit, v_amount, v_ledger, p_code, p_pending, p_post, p_void,
    false, CASE WHEN v_resolving THEN p_pending_id END, CASE WHEN p_pending THEN p_timeout END,
    CASE WHEN p_pending AND p_timeout IS NOT NULL THEN p_now + make_interval(secs => p_timeout) END,
    p_listing, p_lot, p_milestone, p_claim, p_actor, p_note, p_now)
  ON CONFLICT (id) DO NOTHING
  RETURNING * INTO t;
  IF NOT FOUND THEN
    -- A concurrent posting of the same id committed first: nothing written, the caller looks again.
    RETURN jsonb_build_object('status', 'race');
  END IF;

  UPDATE ledger_accounts SET
    debits_pending = debits_pending + CASE WHEN id = v_debit THEN v_dpending ELSE 0 END,
    debits_posted = debits_posted + CASE WHEN id = v_debit THEN v_dposted ELSE 0 END,
    credits_pending = credits_pending + CASE WHEN id = v_credit THEN v_dpending ELSE 0 END,
    credits_posted = credits_posted + CASE WHEN id = v_credit THEN v_dposted ELSE 0 END
  WHERE id IN (v_debit, v_credit);

  RETURN jsonb_build_object('status', 'created', 'row', to_jsonb(t) || jsonb_build_object('amount', t.amount::text));
END;
$$;
--> statement-breakpoint
-- Many independent single transfers in one statement (the TypeScript side coalesces concurrent
-- createTransfer() calls, as TigerBeetle's client batches concurrent requests): every account any
-- of them touches is locked first, at once, lower id first (so two batches never deadlock), then
-- each element goes through gongjian_ledger_transfer() in order and gets its own outcome. A refusal
-- writes nothing for that element and does not disturb the others; a later element sees the
-- earlier ones (a hold created earlier in the batch can be posted later in it).
-- p is a jsonb array of {id, code, debit, credit, amount, ledger, pending, post, void, pendingId,
-- timeout, listing, lot, milestone, claim, actor, note, now}; the result is the array of outcomes.
CREATE OR REPLACE FUNCTION gongjian_ledger_transfers(p jsonb) RETURNS jsonb LANGUAGE plpgsql AS $$
DECLARE
  e jsonb;
  v_out jsonb := '[]'::jsonb;
BEGIN
  PERFORM 1 FROM ledger_accounts WHERE id IN (
    SELECT (x->>'debit')::uuid FROM jsonb_array_elements(p) x WHERE x->>'debit' IS NOT NULL
    UNION SELECT (x->>'credit')::uuid FROM jsonb_array_elements(p) x WHERE x->>'credit' IS NOT NULL
    UNION SELECT t.debit_account_id FROM ledger_transfers t WHERE t.id IN (SELECT x->>'pendingId' FROM jsonb_array_elements(p) x WHERE x->>'pendingId' IS NOT NULL)
    UNION SELECT t.credit_account_id FROM ledger_transfers t WHERE t.id IN (SELECT x->>'pendingId' FROM jsonb_array_elements(p) x WHERE x->>'pendingId' IS NOT NULL)
  ) ORDER BY id FOR UPDATE;
  FOR e IN SELECT value FROM jsonb_array_elements(p) LOOP
    v_out := v_out || jsonb_build_array(gongjian_ledger_transfer(
      e->>'id', (e->>'code')::ledger_transfer_code, (e->>'debit')::uuid, (e->>'credit')::uuid, (e->>'amount')::numeric, e->>'ledger',
      (e->>'pending')::boolean, (e->>'post')::boolean, (e->>'void')::boolean, e->>'pendingId', (e->>'timeout')::integer,
      (e->>'listing')::uuid, (e->>'lot')::uuid, (e->>'milestone')::uuid, (e->>'claim')::uuid, (e->>'actor')::uuid, e->>'note',
      (e->>'now')::timestamptz));
  END LOOP;
  RETURN v_out;
END;
$$;
