CREATE TYPE "public"."disability_type" AS ENUM('visual', 'hearing', 'speech', 'physical', 'intellectual', 'mental', 'multiple');--> statement-breakpoint
CREATE TYPE "public"."employment_status" AS ENUM('employed', 'underemployed', 'unemployed', 'farming', 'student', 'retired', 'unable');--> statement-breakpoint
CREATE TYPE "public"."health_status" AS ENUM('healthy', 'chronic_illness', 'serious_illness');--> statement-breakpoint
CREATE TYPE "public"."hours_preference" AS ENUM('full_time', 'part_time', 'flexible');--> statement-breakpoint
CREATE TYPE "public"."housing_type" AS ENUM('owned_safe', 'owned_unsafe', 'rented', 'relatives', 'none');--> statement-breakpoint
CREATE TYPE "public"."risk_tier" AS ENUM('A', 'B', 'C');--> statement-breakpoint
CREATE TYPE "public"."savings_band" AS ENUM('none', 'under_5k', '5k_20k', '20k_50k', 'over_50k');--> statement-breakpoint
CREATE TYPE "public"."work_radius" AS ENUM('village', 'township', 'county', 'city', 'province', 'anywhere');--> statement-breakpoint
CREATE TYPE "public"."application_status" AS ENUM('applied', 'invited', 'accepted', 'rejected', 'declined', 'completed', 'withdrawn');--> statement-breakpoint
CREATE TABLE "caseworker_regions" (
	"user_id" uuid NOT NULL,
	"region_code" varchar(12) NOT NULL,
	CONSTRAINT "caseworker_regions_user_id_region_code_pk" PRIMARY KEY("user_id","region_code")
);
--> statement-breakpoint
CREATE TABLE "household_invitations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"code_hash" varchar(64) NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"used_by_id" uuid,
	"created_by_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "household_invitations_codeHash_unique" UNIQUE("code_hash")
);
--> statement-breakpoint
CREATE TABLE "household_members" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"full_name" varchar(32) NOT NULL,
	"is_head" boolean DEFAULT false NOT NULL,
	"birth_date" date NOT NULL,
	"gender" "gender" NOT NULL,
	"education" "education_level" NOT NULL,
	"health" "health_status" DEFAULT 'healthy' NOT NULL,
	"disability_type" "disability_type",
	"disability_grade" smallint,
	"uses_wheelchair" boolean DEFAULT false NOT NULL,
	"employment_status" "employment_status" NOT NULL,
	"work_radius" "work_radius" DEFAULT 'county' NOT NULL,
	"hours_preference" "hours_preference" DEFAULT 'full_time' NOT NULL,
	"remote_only" boolean DEFAULT false NOT NULL,
	"needs_childcare_hours" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "member_disability" CHECK (("household_members"."disability_type" is null) = ("household_members"."disability_grade" is null)),
	CONSTRAINT "member_disability_grade" CHECK ("household_members"."disability_grade" is null or "household_members"."disability_grade" between 1 and 4)
);
--> statement-breakpoint
CREATE TABLE "household_needs" (
	"household_id" uuid NOT NULL,
	"category" varchar(32) NOT NULL,
	"priority" smallint DEFAULT 2 NOT NULL,
	"note" text DEFAULT '' NOT NULL,
	CONSTRAINT "household_needs_household_id_category_pk" PRIMARY KEY("household_id","category"),
	CONSTRAINT "need_priority" CHECK ("household_needs"."priority" between 1 and 3)
);
--> statement-breakpoint
CREATE TABLE "household_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"snapshot" jsonb NOT NULL,
	"changed_fields" text[] DEFAULT '{}' NOT NULL,
	"changed_by_id" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "households" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_code" varchar(12) NOT NULL,
	"address" varchar(200) DEFAULT '' NOT NULL,
	"caseworker_id" uuid,
	"resident_user_id" uuid,
	"consent_given" boolean DEFAULT false NOT NULL,
	"consent_changed_at" timestamp with time zone,
	"income_per_capita_monthly" numeric(12, 2) NOT NULL,
	"income_sources" text[] DEFAULT '{}' NOT NULL,
	"housing_type" "housing_type" NOT NULL,
	"land_mu" numeric(8, 2) DEFAULT '0' NOT NULL,
	"vehicle_count" smallint DEFAULT 0 NOT NULL,
	"savings_band" "savings_band" DEFAULT 'none' NOT NULL,
	"medical_monthly" numeric(12, 2) DEFAULT '0' NOT NULL,
	"schooling_monthly" numeric(12, 2) DEFAULT '0' NOT NULL,
	"housing_monthly" numeric(12, 2) DEFAULT '0' NOT NULL,
	"care_monthly" numeric(12, 2) DEFAULT '0' NOT NULL,
	"serious_illness" boolean DEFAULT false NOT NULL,
	"single_parent" boolean DEFAULT false NOT NULL,
	"left_behind_child" boolean DEFAULT false NOT NULL,
	"left_behind_elderly" boolean DEFAULT false NOT NULL,
	"disaster_affected" boolean DEFAULT false NOT NULL,
	"recent_job_loss" boolean DEFAULT false NOT NULL,
	"debt_yuan" numeric(14, 2) DEFAULT '0' NOT NULL,
	"risk_tier" "risk_tier" DEFAULT 'C' NOT NULL,
	"risk_reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"next_review_on" date NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "households_residentUserId_unique" UNIQUE("resident_user_id"),
	CONSTRAINT "households_amounts" CHECK ("households"."income_per_capita_monthly" >= 0 and "households"."medical_monthly" >= 0 and "households"."schooling_monthly" >= 0
      and "households"."housing_monthly" >= 0 and "households"."care_monthly" >= 0 and "households"."debt_yuan" >= 0 and "households"."land_mu" >= 0 and "households"."vehicle_count" >= 0)
);
--> statement-breakpoint
CREATE TABLE "member_skills" (
	"member_id" uuid NOT NULL,
	"skill_code" varchar(48) NOT NULL,
	"level" "skill_level" NOT NULL,
	CONSTRAINT "member_skills_member_id_skill_code_pk" PRIMARY KEY("member_id","skill_code")
);
--> statement-breakpoint
CREATE TABLE "minimum_living_standards" (
	"region_code" varchar(12) NOT NULL,
	"effective_from" date NOT NULL,
	"monthly_yuan" numeric(10, 2) NOT NULL,
	"source" varchar(200) DEFAULT '' NOT NULL,
	CONSTRAINT "minimum_living_standards_region_code_effective_from_pk" PRIMARY KEY("region_code","effective_from"),
	CONSTRAINT "mls_positive" CHECK ("minimum_living_standards"."monthly_yuan" > 0)
);
--> statement-breakpoint
CREATE TABLE "applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"member_id" uuid,
	"listing_id" uuid NOT NULL,
	"status" "application_status" NOT NULL,
	"score" smallint,
	"reasons" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"note" varchar(500) DEFAULT '' NOT NULL,
	"suggested_at" timestamp with time zone,
	"viewed_at" timestamp with time zone,
	"applied_at" timestamp with time zone,
	"invited_at" timestamp with time zone,
	"accepted_at" timestamp with time zone,
	"rejected_at" timestamp with time zone,
	"declined_at" timestamp with time zone,
	"completed_at" timestamp with time zone,
	"withdrawn_at" timestamp with time zone,
	"updated_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "matches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"household_id" uuid NOT NULL,
	"member_id" uuid,
	"listing_id" uuid NOT NULL,
	"score" smallint NOT NULL,
	"reasons" jsonb NOT NULL,
	"blockers" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"listing_version" integer NOT NULL,
	"household_version" integer NOT NULL,
	"computed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"viewed_at" timestamp with time zone,
	CONSTRAINT "match_score" CHECK ("matches"."score" between 0 and 100)
);
--> statement-breakpoint
CREATE TABLE "rescore_runs" (
	"id" varchar(64) PRIMARY KEY NOT NULL,
	"cursor" uuid,
	"scored" integer DEFAULT 0 NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "caseworker_regions" ADD CONSTRAINT "caseworker_regions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "caseworker_regions" ADD CONSTRAINT "caseworker_regions_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_invitations" ADD CONSTRAINT "household_invitations_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_invitations" ADD CONSTRAINT "household_invitations_used_by_id_users_id_fk" FOREIGN KEY ("used_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_invitations" ADD CONSTRAINT "household_invitations_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_members" ADD CONSTRAINT "household_members_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_needs" ADD CONSTRAINT "household_needs_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_versions" ADD CONSTRAINT "household_versions_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "household_versions" ADD CONSTRAINT "household_versions_changed_by_id_users_id_fk" FOREIGN KEY ("changed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_caseworker_id_users_id_fk" FOREIGN KEY ("caseworker_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "households" ADD CONSTRAINT "households_resident_user_id_users_id_fk" FOREIGN KEY ("resident_user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_skills" ADD CONSTRAINT "member_skills_member_id_household_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."household_members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "member_skills" ADD CONSTRAINT "member_skills_skill_code_skills_code_fk" FOREIGN KEY ("skill_code") REFERENCES "public"."skills"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "minimum_living_standards" ADD CONSTRAINT "minimum_living_standards_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_member_id_household_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."household_members"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_updated_by_id_users_id_fk" FOREIGN KEY ("updated_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_household_id_households_id_fk" FOREIGN KEY ("household_id") REFERENCES "public"."households"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_member_id_household_members_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."household_members"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "matches" ADD CONSTRAINT "matches_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "caseworker_regions_region_code_index" ON "caseworker_regions" USING btree ("region_code");--> statement-breakpoint
CREATE INDEX "household_invitations_household_id_index" ON "household_invitations" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "household_invitations_used_by_id_index" ON "household_invitations" USING btree ("used_by_id");--> statement-breakpoint
CREATE INDEX "household_invitations_created_by_id_index" ON "household_invitations" USING btree ("created_by_id");--> statement-breakpoint
CREATE INDEX "household_members_household_id_index" ON "household_members" USING btree ("household_id");--> statement-breakpoint
CREATE INDEX "household_needs_category_index" ON "household_needs" USING btree ("category");--> statement-breakpoint
CREATE UNIQUE INDEX "household_versions_household_id_version_index" ON "household_versions" USING btree ("household_id","version");--> statement-breakpoint
CREATE INDEX "household_versions_changed_by_id_index" ON "household_versions" USING btree ("changed_by_id");--> statement-breakpoint
CREATE INDEX "households_region_code_index" ON "households" USING btree ("region_code");--> statement-breakpoint
CREATE INDEX "households_caseworker_id_index" ON "households" USING btree ("caseworker_id");--> statement-breakpoint
CREATE INDEX "households_region_prefix" ON "households" USING btree ("region_code" varchar_pattern_ops);--> statement-breakpoint
CREATE INDEX "households_risk_tier_next_review_on_index" ON "households" USING btree ("risk_tier","next_review_on");--> statement-breakpoint
CREATE INDEX "member_skills_skill_code_index" ON "member_skills" USING btree ("skill_code");--> statement-breakpoint
CREATE UNIQUE INDEX "applications_household_id_listing_id_index" ON "applications" USING btree ("household_id","listing_id");--> statement-breakpoint
CREATE INDEX "applications_listing_id_status_index" ON "applications" USING btree ("listing_id","status");--> statement-breakpoint
CREATE INDEX "applications_member_id_index" ON "applications" USING btree ("member_id");--> statement-breakpoint
CREATE INDEX "applications_updated_by_id_index" ON "applications" USING btree ("updated_by_id");--> statement-breakpoint
CREATE UNIQUE INDEX "matches_listing_id_household_id_index" ON "matches" USING btree ("listing_id","household_id");--> statement-breakpoint
CREATE INDEX "matches_household_id_score_index" ON "matches" USING btree ("household_id","score");--> statement-breakpoint
CREATE INDEX "matches_member_id_index" ON "matches" USING btree ("member_id");