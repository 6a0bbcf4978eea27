CREATE TYPE "public"."ledger_account_code" AS ENUM('donor', 'escrow', 'organization', 'project', 'household', 'stock', 'write_off');--> statement-breakpoint
CREATE TYPE "public"."claim_status" AS ENUM('pending', 'approved', 'rejected', 'withdrawn');--> statement-breakpoint
CREATE TYPE "public"."ledger_owner_type" AS ENUM('user', 'organization', 'listing', 'household');--> statement-breakpoint
CREATE TYPE "public"."milestone_submission_status" AS ENUM('submitted', 'approved', 'rejected');--> statement-breakpoint
CREATE TYPE "public"."ledger_transfer_code" AS ENUM('pledge', 'release', 'payout', 'refund', 'lot_receipt', 'distribution', 'write_off', 'correction');--> statement-breakpoint
CREATE TYPE "public"."write_off_reason" AS ENUM('lost', 'spoiled', 'expired', 'damaged');--> statement-breakpoint
CREATE TABLE "ledger_distributions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"lot_id" uuid NOT NULL,
	"household_id" uuid NOT NULL,
	"recipient_user_id" uuid,
	"recipient_masked" varchar(16) NOT NULL,
	"recipient_region_code" varchar(12) NOT NULL,
	"confirmation_code" varchar(6) NOT NULL,
	"pending_transfer_id" varchar(128) NOT NULL,
	"confirmed_at" timestamp with time zone,
	"confirmed_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ledger" varchar(80) NOT NULL,
	"code" "ledger_account_code" NOT NULL,
	"owner_type" "ledger_owner_type" NOT NULL,
	"owner_id" uuid NOT NULL,
	"scope_id" uuid,
	"debits_must_not_exceed_credits" boolean DEFAULT false NOT NULL,
	"credits_must_not_exceed_debits" boolean DEFAULT false NOT NULL,
	"debits_pending" numeric(20, 3) DEFAULT '0' NOT NULL,
	"debits_posted" numeric(20, 3) DEFAULT '0' NOT NULL,
	"credits_pending" numeric(20, 3) DEFAULT '0' NOT NULL,
	"credits_posted" numeric(20, 3) DEFAULT '0' NOT NULL,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_accounts_identity" UNIQUE NULLS NOT DISTINCT("ledger","code","owner_type","owner_id","scope_id"),
	CONSTRAINT "ledger_accounts_one_flag" CHECK (not ("ledger_accounts"."debits_must_not_exceed_credits" and "ledger_accounts"."credits_must_not_exceed_debits")),
	CONSTRAINT "ledger_accounts_nonnegative" CHECK ("ledger_accounts"."debits_pending" >= 0 and "ledger_accounts"."debits_posted" >= 0 and "ledger_accounts"."credits_pending" >= 0 and "ledger_accounts"."credits_posted" >= 0),
	CONSTRAINT "ledger_accounts_debits_must_not_exceed_credits" CHECK (not "ledger_accounts"."debits_must_not_exceed_credits" or "ledger_accounts"."debits_pending" + "ledger_accounts"."debits_posted" <= "ledger_accounts"."credits_posted"),
	CONSTRAINT "ledger_accounts_credits_must_not_exceed_debits" CHECK (not "ledger_accounts"."credits_must_not_exceed_debits" or "ledger_accounts"."credits_pending" + "ledger_accounts"."credits_posted" <= "ledger_accounts"."debits_posted")
);
--> statement-breakpoint
CREATE TABLE "ledger_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" varchar(48) NOT NULL,
	"details" jsonb NOT NULL,
	"run_key" varchar(64) NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_assets" (
	"code" varchar(80) PRIMARY KEY NOT NULL,
	"scale" smallint NOT NULL,
	"item_kind" varchar(48),
	"item_unit" varchar(16),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_assets_scale" CHECK ("ledger_assets"."scale" between 0 and 3)
);
--> statement-breakpoint
CREATE TABLE "ledger_failed_transfers" (
	"id" varchar(128) PRIMARY KEY NOT NULL,
	"reason" varchar(48) NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_lots" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"ledger" varchar(80) NOT NULL,
	"donor_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"listing_id" uuid,
	"item_kind" varchar(48) NOT NULL,
	"item_unit" varchar(16) NOT NULL,
	"quantity" numeric(20, 3) NOT NULL,
	"condition" "item_condition" NOT NULL,
	"expires_on" date,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_lots_quantity" CHECK ("ledger_lots"."quantity" > 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_transfers" (
	"id" varchar(128) PRIMARY KEY NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "ledger_transfers_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"debit_account_id" uuid NOT NULL,
	"credit_account_id" uuid NOT NULL,
	"amount" numeric(20, 3) NOT NULL,
	"ledger" varchar(80) NOT NULL,
	"code" "ledger_transfer_code" NOT NULL,
	"pending" boolean DEFAULT false NOT NULL,
	"post_pending" boolean DEFAULT false NOT NULL,
	"void_pending" boolean DEFAULT false NOT NULL,
	"linked" boolean DEFAULT false NOT NULL,
	"pending_id" varchar(128),
	"timeout_seconds" integer,
	"expires_at" timestamp with time zone,
	"listing_id" uuid,
	"lot_id" uuid,
	"milestone_id" uuid,
	"claim_id" uuid,
	"actor_id" uuid,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_transfers_amount_positive" CHECK ("ledger_transfers"."amount" > 0),
	CONSTRAINT "ledger_transfers_two_accounts" CHECK ("ledger_transfers"."debit_account_id" <> "ledger_transfers"."credit_account_id"),
	CONSTRAINT "ledger_transfers_one_phase" CHECK (("ledger_transfers"."pending"::int + "ledger_transfers"."post_pending"::int + "ledger_transfers"."void_pending"::int) <= 1),
	CONSTRAINT "ledger_transfers_pending_ref" CHECK (("ledger_transfers"."pending_id" is not null) = ("ledger_transfers"."post_pending" or "ledger_transfers"."void_pending")),
	CONSTRAINT "ledger_transfers_timeout" CHECK ("ledger_transfers"."timeout_seconds" is null or ("ledger_transfers"."pending" and "ledger_transfers"."timeout_seconds" > 0))
);
--> statement-breakpoint
CREATE TABLE "milestone_submissions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"claim_id" uuid NOT NULL,
	"milestone_id" uuid NOT NULL,
	"evidence" text NOT NULL,
	"status" "milestone_submission_status" DEFAULT 'submitted' NOT NULL,
	"review_note" text,
	"reviewed_at" timestamp with time zone,
	"reviewed_by_id" uuid,
	"payout_transfer_id" varchar(128),
	"submitted_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "project_claims" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"listing_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"plan" text NOT NULL,
	"budget" numeric(14, 2) NOT NULL,
	"status" "claim_status" DEFAULT 'pending' NOT NULL,
	"listing_version" integer NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by_id" uuid,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "project_claims_budget" CHECK ("project_claims"."budget" > 0)
);
--> statement-breakpoint
CREATE TABLE "ledger_write_offs" (
	"transfer_id" varchar(128) PRIMARY KEY NOT NULL,
	"lot_id" uuid NOT NULL,
	"reason" "write_off_reason" NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	"recorded_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "ledger_distributions" ADD CONSTRAINT "ledger_distributions_lot_id_ledger_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."ledger_lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_distributions" ADD CONSTRAINT "ledger_distributions_recipient_user_id_users_id_fk" FOREIGN KEY ("recipient_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_distributions" ADD CONSTRAINT "ledger_distributions_pending_transfer_id_ledger_transfers_id_fk" FOREIGN KEY ("pending_transfer_id") REFERENCES "public"."ledger_transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_distributions" ADD CONSTRAINT "ledger_distributions_confirmed_by_id_users_id_fk" FOREIGN KEY ("confirmed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_accounts" ADD CONSTRAINT "ledger_accounts_ledger_ledger_assets_code_fk" FOREIGN KEY ("ledger") REFERENCES "public"."ledger_assets"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_alerts" ADD CONSTRAINT "ledger_alerts_acknowledged_by_id_users_id_fk" FOREIGN KEY ("acknowledged_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_lots" ADD CONSTRAINT "ledger_lots_ledger_ledger_assets_code_fk" FOREIGN KEY ("ledger") REFERENCES "public"."ledger_assets"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_lots" ADD CONSTRAINT "ledger_lots_donor_id_users_id_fk" FOREIGN KEY ("donor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_lots" ADD CONSTRAINT "ledger_lots_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_lots" ADD CONSTRAINT "ledger_lots_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_debit_account_id_ledger_accounts_id_fk" FOREIGN KEY ("debit_account_id") REFERENCES "public"."ledger_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_credit_account_id_ledger_accounts_id_fk" FOREIGN KEY ("credit_account_id") REFERENCES "public"."ledger_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_ledger_ledger_assets_code_fk" FOREIGN KEY ("ledger") REFERENCES "public"."ledger_assets"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_pending_id_ledger_transfers_id_fk" FOREIGN KEY ("pending_id") REFERENCES "public"."ledger_transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_lot_id_ledger_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."ledger_lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_milestone_id_project_milestones_id_fk" FOREIGN KEY ("milestone_id") REFERENCES "public"."project_milestones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_claim_id_project_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."project_claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_transfers" ADD CONSTRAINT "ledger_transfers_actor_id_users_id_fk" FOREIGN KEY ("actor_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestone_submissions" ADD CONSTRAINT "milestone_submissions_claim_id_project_claims_id_fk" FOREIGN KEY ("claim_id") REFERENCES "public"."project_claims"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestone_submissions" ADD CONSTRAINT "milestone_submissions_milestone_id_project_milestones_id_fk" FOREIGN KEY ("milestone_id") REFERENCES "public"."project_milestones"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestone_submissions" ADD CONSTRAINT "milestone_submissions_reviewed_by_id_users_id_fk" FOREIGN KEY ("reviewed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestone_submissions" ADD CONSTRAINT "milestone_submissions_payout_transfer_id_ledger_transfers_id_fk" FOREIGN KEY ("payout_transfer_id") REFERENCES "public"."ledger_transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "milestone_submissions" ADD CONSTRAINT "milestone_submissions_submitted_by_id_users_id_fk" FOREIGN KEY ("submitted_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_claims" ADD CONSTRAINT "project_claims_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_claims" ADD CONSTRAINT "project_claims_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_claims" ADD CONSTRAINT "project_claims_decided_by_id_users_id_fk" FOREIGN KEY ("decided_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_claims" ADD CONSTRAINT "project_claims_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_write_offs" ADD CONSTRAINT "ledger_write_offs_transfer_id_ledger_transfers_id_fk" FOREIGN KEY ("transfer_id") REFERENCES "public"."ledger_transfers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_write_offs" ADD CONSTRAINT "ledger_write_offs_lot_id_ledger_lots_id_fk" FOREIGN KEY ("lot_id") REFERENCES "public"."ledger_lots"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_write_offs" ADD CONSTRAINT "ledger_write_offs_recorded_by_id_users_id_fk" FOREIGN KEY ("recorded_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "ledger_distributions_lot_id_index" ON "ledger_distributions" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "ledger_distributions_household_id_index" ON "ledger_distributions" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "ledger_distributions_recipient_user_id_index" ON "ledger_distributions" USING btree ("recipient_user_id");--> statement-breakpoint
CREATE INDEX "ledger_distributions_confirmed_by_id_index" ON "ledger_distributions" USING btree ("confirmed_by_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_distributions_pending_transfer_id_index" ON "ledger_distributions" USING btree ("pending_transfer_id");--> statement-breakpoint
CREATE INDEX "ledger_accounts_owner_type_owner_id_index" ON "ledger_accounts" USING btree ("owner_type","owner_id");--> statement-breakpoint
CREATE INDEX "ledger_accounts_scope_id_index" ON "ledger_accounts" USING btree ("scope_id");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_alerts_run_key_kind_index" ON "ledger_alerts" USING btree ("run_key","kind");--> statement-breakpoint
CREATE INDEX "ledger_alerts_acknowledged_by_id_index" ON "ledger_alerts" USING btree ("acknowledged_by_id");--> statement-breakpoint
CREATE INDEX "ledger_alerts_created_at_index" ON "ledger_alerts" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "ledger_lots_donor_id_index" ON "ledger_lots" USING btree ("donor_id");--> statement-breakpoint
CREATE INDEX "ledger_lots_organization_id_index" ON "ledger_lots" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "ledger_lots_listing_id_index" ON "ledger_lots" USING btree ("listing_id");--> statement-breakpoint
CREATE INDEX "ledger_lots_ledger_index" ON "ledger_lots" USING btree ("ledger");--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_transfers_one_resolution" ON "ledger_transfers" USING btree ("pending_id") WHERE "ledger_transfers"."pending_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "ledger_transfers_seq_index" ON "ledger_transfers" USING btree ("seq");--> statement-breakpoint
CREATE INDEX "ledger_transfers_debit_account_id_index" ON "ledger_transfers" USING btree ("debit_account_id");--> statement-breakpoint
CREATE INDEX "ledger_transfers_credit_account_id_index" ON "ledger_transfers" USING btree ("credit_account_id");--> statement-breakpoint
CREATE INDEX "ledger_transfers_ledger_index" ON "ledger_transfers" USING btree ("ledger");--> statement-breakpoint
CREATE INDEX "ledger_transfers_listing_id_index" ON "ledger_transfers" USING btree ("listing_id");--> statement-breakpoint
CREATE INDEX "ledger_transfers_lot_id_index" ON "ledger_transfers" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "ledger_transfers_milestone_id_index" ON "ledger_transfers" USING btree ("milestone_id");--> statement-breakpoint
CREATE INDEX "ledger_transfers_claim_id_index" ON "ledger_transfers" USING btree ("claim_id");--> statement-breakpoint
CREATE INDEX "ledger_transfers_actor_id_index" ON "ledger_transfers" USING btree ("actor_id");--> statement-breakpoint
CREATE INDEX "ledger_transfers_open_holds" ON "ledger_transfers" USING btree ("expires_at") WHERE "ledger_transfers"."pending";--> statement-breakpoint
CREATE INDEX "milestone_submissions_claim_id_index" ON "milestone_submissions" USING btree ("claim_id");--> statement-breakpoint
CREATE INDEX "milestone_submissions_milestone_id_index" ON "milestone_submissions" USING btree ("milestone_id");--> statement-breakpoint
CREATE INDEX "milestone_submissions_reviewed_by_id_index" ON "milestone_submissions" USING btree ("reviewed_by_id");--> statement-breakpoint
CREATE INDEX "milestone_submissions_submitted_by_id_index" ON "milestone_submissions" USING btree ("submitted_by_id");--> statement-breakpoint
CREATE UNIQUE INDEX "milestone_submissions_one_approval" ON "milestone_submissions" USING btree ("claim_id","milestone_id") WHERE "milestone_submissions"."status" = 'approved';--> statement-breakpoint
CREATE UNIQUE INDEX "project_claims_listing_id_organization_id_index" ON "project_claims" USING btree ("listing_id","organization_id");--> statement-breakpoint
CREATE INDEX "project_claims_organization_id_index" ON "project_claims" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "project_claims_decided_by_id_index" ON "project_claims" USING btree ("decided_by_id");--> statement-breakpoint
CREATE INDEX "project_claims_created_by_id_index" ON "project_claims" USING btree ("created_by_id");--> statement-breakpoint
CREATE INDEX "ledger_write_offs_lot_id_index" ON "ledger_write_offs" USING btree ("lot_id");--> statement-breakpoint
CREATE INDEX "ledger_write_offs_recorded_by_id_index" ON "ledger_write_offs" USING btree ("recorded_by_id");