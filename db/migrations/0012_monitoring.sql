CREATE TYPE "public"."alert_severity" AS ENUM('high', 'medium', 'low');--> statement-breakpoint
CREATE TYPE "public"."alert_state" AS ENUM('open', 'acknowledged', 'resolved');--> statement-breakpoint
CREATE TABLE "alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"caseworker_id" uuid,
	"rule" varchar(48) NOT NULL,
	"severity" "alert_severity" NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"dedupe_key" varchar(120) NOT NULL,
	"state" "alert_state" DEFAULT 'open' NOT NULL,
	"due_on" date NOT NULL,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"acknowledged_at" timestamp with time zone,
	"acknowledged_by_id" uuid,
	"resolved_at" timestamp with time zone,
	"resolved_by_id" uuid,
	"resolution_note" text,
	CONSTRAINT "alert_resolution" CHECK (("alerts"."state" = 'resolved') = ("alerts"."resolved_at" is not null and "alerts"."resolution_note" is not null)),
	CONSTRAINT "alert_acknowledged" CHECK ("alerts"."state" = 'open' or "alerts"."acknowledged_at" is not null)
);
--> statement-breakpoint
CREATE TABLE "review_tasks" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"caseworker_id" uuid,
	"due_on" date NOT NULL,
	"done_at" timestamp with time zone,
	"done_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "warning_thresholds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_code" varchar(12),
	"medical_share" numeric(5, 3) NOT NULL,
	"medical_growth_factor" numeric(5, 2) NOT NULL,
	"income_drop_share" numeric(5, 3) NOT NULL,
	"debt_yuan" numeric(14, 2) NOT NULL,
	"lookback_months" smallint NOT NULL,
	"high_due_days" smallint NOT NULL,
	"medium_due_days" smallint NOT NULL,
	"low_due_days" smallint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "warning_thresholds_positive" CHECK ("warning_thresholds"."medical_share" > 0 and "warning_thresholds"."medical_growth_factor" > 1 and "warning_thresholds"."income_drop_share" > 0 and "warning_thresholds"."income_drop_share" < 1
        and "warning_thresholds"."debt_yuan" >= 0 and "warning_thresholds"."lookback_months" > 0 and "warning_thresholds"."high_due_days" > 0 and "warning_thresholds"."medium_due_days" > 0 and "warning_thresholds"."low_due_days" > 0)
);
--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_caseworker_id_users_id_fk" FOREIGN KEY ("caseworker_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_acknowledged_by_id_users_id_fk" FOREIGN KEY ("acknowledged_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_resolved_by_id_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_caseworker_id_users_id_fk" FOREIGN KEY ("caseworker_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "review_tasks" ADD CONSTRAINT "review_tasks_done_by_id_users_id_fk" FOREIGN KEY ("done_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "warning_thresholds" ADD CONSTRAINT "warning_thresholds_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "alerts_unresolved_dedupe" ON "alerts" USING btree ("household_id","dedupe_key") WHERE "alerts"."state" <> 'resolved';--> statement-breakpoint
CREATE INDEX "alerts_caseworker_id_state_due_on_index" ON "alerts" USING btree ("caseworker_id","state","due_on");--> statement-breakpoint
CREATE INDEX "alerts_acknowledged_by_id_index" ON "alerts" USING btree ("acknowledged_by_id");--> statement-breakpoint
CREATE INDEX "alerts_resolved_by_id_index" ON "alerts" USING btree ("resolved_by_id");--> statement-breakpoint
CREATE UNIQUE INDEX "review_tasks_household_id_due_on_index" ON "review_tasks" USING btree ("household_id","due_on");--> statement-breakpoint
CREATE INDEX "review_tasks_caseworker_id_due_on_index" ON "review_tasks" USING btree ("caseworker_id","due_on");--> statement-breakpoint
CREATE INDEX "review_tasks_done_by_id_index" ON "review_tasks" USING btree ("done_by_id");--> statement-breakpoint
CREATE UNIQUE INDEX "warning_thresholds_region" ON "warning_thresholds" USING btree (coalesce("region_code", ''));