CREATE TYPE "public"."feedback_subject" AS ENUM('application', 'distribution', 'milestone');--> statement-breakpoint
CREATE TYPE "public"."outcome_code" AS ENUM('completed', 'declined_by_resident', 'unreachable', 'offer_withdrawn', 'no_capacity');--> statement-breakpoint
CREATE TABLE "application_outcomes" (
	"application_id" uuid PRIMARY KEY NOT NULL,
	"outcome" "outcome_code" NOT NULL,
	"was_accepted" boolean NOT NULL,
	"note" varchar(500) DEFAULT '' NOT NULL,
	"closed_by_id" uuid,
	"closed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "feedback" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject" "feedback_subject" NOT NULL,
	"application_id" uuid,
	"distribution_id" uuid,
	"milestone_submission_id" uuid,
	"household_id" uuid NOT NULL,
	"listing_id" uuid NOT NULL,
	"organization_id" uuid NOT NULL,
	"region_code" varchar(12) NOT NULL,
	"satisfaction" smallint NOT NULL,
	"capability" smallint NOT NULL,
	"integration" smallint NOT NULL,
	"comment" text DEFAULT '' NOT NULL,
	"recorded_by_id" uuid NOT NULL,
	"on_behalf" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feedback_scores" CHECK ("feedback"."satisfaction" between 1 and 5 and "feedback"."capability" between 1 and 5 and "feedback"."integration" between 1 and 5),
	CONSTRAINT "feedback_subject_ref" CHECK (("feedback"."subject" = 'application' and "feedback"."application_id" is not null and "feedback"."distribution_id" is null and "feedback"."milestone_submission_id" is null)
        or ("feedback"."subject" = 'distribution' and "feedback"."distribution_id" is not null and "feedback"."application_id" is null and "feedback"."milestone_submission_id" is null)
        or ("feedback"."subject" = 'milestone' and "feedback"."milestone_submission_id" is not null and "feedback"."application_id" is null and "feedback"."distribution_id" is null)),
	CONSTRAINT "feedback_comment_length" CHECK (char_length("feedback"."comment") <= 1000)
);
--> statement-breakpoint
CREATE TABLE "resolution_alerts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"scope" varchar(16) NOT NULL,
	"organization_id" uuid,
	"region_code" varchar(12),
	"rate" numeric(4, 3) NOT NULL,
	"min_rate" numeric(4, 3) NOT NULL,
	"closed" smallint NOT NULL,
	"raised_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"resolved_by_id" uuid,
	"resolution_note" text,
	CONSTRAINT "resolution_alert_scope" CHECK (("resolution_alerts"."scope" = 'organization' and "resolution_alerts"."organization_id" is not null) or ("resolution_alerts"."scope" = 'region' and "resolution_alerts"."region_code" is not null))
);
--> statement-breakpoint
CREATE TABLE "resolution_thresholds" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_code" varchar(12),
	"min_rate" numeric(4, 3) NOT NULL,
	"window_days" smallint NOT NULL,
	"min_closed" smallint NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "resolution_thresholds_valid" CHECK ("resolution_thresholds"."min_rate" > 0 and "resolution_thresholds"."min_rate" <= 1 and "resolution_thresholds"."window_days" > 0 and "resolution_thresholds"."min_closed" > 0)
);
--> statement-breakpoint
ALTER TABLE "application_outcomes" ADD CONSTRAINT "application_outcomes_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "application_outcomes" ADD CONSTRAINT "application_outcomes_closed_by_id_users_id_fk" FOREIGN KEY ("closed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_distribution_id_ledger_distributions_id_fk" FOREIGN KEY ("distribution_id") REFERENCES "public"."ledger_distributions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_milestone_submission_id_milestone_submissions_id_fk" FOREIGN KEY ("milestone_submission_id") REFERENCES "public"."milestone_submissions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feedback" ADD CONSTRAINT "feedback_recorded_by_id_users_id_fk" FOREIGN KEY ("recorded_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resolution_alerts" ADD CONSTRAINT "resolution_alerts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resolution_alerts" ADD CONSTRAINT "resolution_alerts_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resolution_alerts" ADD CONSTRAINT "resolution_alerts_resolved_by_id_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "resolution_thresholds" ADD CONSTRAINT "resolution_thresholds_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "application_outcomes_outcome_closed_at_index" ON "application_outcomes" USING btree ("outcome","closed_at");--> statement-breakpoint
CREATE INDEX "application_outcomes_closed_by_id_index" ON "application_outcomes" USING btree ("closed_by_id");--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_application_id_index" ON "feedback" USING btree ("application_id") WHERE "feedback"."application_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_distribution_id_index" ON "feedback" USING btree ("distribution_id") WHERE "feedback"."distribution_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "feedback_milestone_submission_id_household_id_index" ON "feedback" USING btree ("milestone_submission_id","household_id") WHERE "feedback"."milestone_submission_id" is not null;--> statement-breakpoint
CREATE INDEX "feedback_organization_id_index" ON "feedback" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "feedback_listing_id_index" ON "feedback" USING btree ("listing_id");--> statement-breakpoint
CREATE INDEX "feedback_household_id_index" ON "feedback" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "feedback_region_code_index" ON "feedback" USING btree ("region_code");--> statement-breakpoint
CREATE INDEX "feedback_recorded_by_id_index" ON "feedback" USING btree ("recorded_by_id");--> statement-breakpoint
CREATE UNIQUE INDEX "resolution_alerts_open" ON "resolution_alerts" USING btree ("scope",coalesce("organization_id"::text, ''),coalesce("region_code", '')) WHERE "resolution_alerts"."resolved_at" is null;--> statement-breakpoint
CREATE INDEX "resolution_alerts_resolved_by_id_index" ON "resolution_alerts" USING btree ("resolved_by_id");--> statement-breakpoint
CREATE UNIQUE INDEX "resolution_thresholds_region" ON "resolution_thresholds" USING btree (coalesce("region_code", ''));