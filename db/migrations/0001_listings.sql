CREATE TYPE "public"."donation_type" AS ENUM('money', 'in_kind');--> statement-breakpoint
CREATE TYPE "public"."education_level" AS ENUM('none', 'primary', 'junior_high', 'senior_high', 'vocational', 'college', 'bachelor', 'master');--> statement-breakpoint
CREATE TYPE "public"."gender" AS ENUM('female', 'male');--> statement-breakpoint
CREATE TYPE "public"."item_condition" AS ENUM('new', 'like_new', 'used_good');--> statement-breakpoint
CREATE TYPE "public"."listing_kind" AS ENUM('job', 'training', 'donation', 'project');--> statement-breakpoint
CREATE TYPE "public"."listing_skill_role" AS ENUM('required', 'taught', 'prerequisite');--> statement-breakpoint
CREATE TYPE "public"."listing_status" AS ENUM('draft', 'published', 'paused', 'closed');--> statement-breakpoint
CREATE TYPE "public"."skill_level" AS ENUM('beginner', 'intermediate', 'advanced');--> statement-breakpoint
CREATE TYPE "public"."training_delivery" AS ENUM('on_site', 'remote', 'hybrid');--> statement-breakpoint
CREATE TYPE "public"."wage_period" AS ENUM('month', 'day', 'hour', 'piece');--> statement-breakpoint
CREATE TABLE "skills" (
	"code" varchar(48) PRIMARY KEY NOT NULL,
	"name_zh" varchar(48) NOT NULL,
	"name_en" varchar(64) NOT NULL,
	"domain" varchar(32) NOT NULL,
	"synonyms" text[] DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "donation_details" (
	"listing_id" uuid PRIMARY KEY NOT NULL,
	"donation_type" "donation_type" NOT NULL,
	"target_amount" numeric(14, 2),
	"item_kind" varchar(48),
	"item_unit" varchar(16),
	"quantity" numeric(14, 3),
	"condition" "item_condition",
	"expires_on" date,
	"eligibility" text DEFAULT '' NOT NULL,
	"delivery_region_code" varchar(12) NOT NULL,
	CONSTRAINT "donation_shape" CHECK (("donation_details"."donation_type" = 'money' and "donation_details"."target_amount" > 0 and "donation_details"."item_kind" is null)
       or ("donation_details"."donation_type" = 'in_kind' and "donation_details"."item_kind" is not null and "donation_details"."item_unit" is not null and "donation_details"."quantity" > 0))
);
--> statement-breakpoint
CREATE TABLE "job_details" (
	"listing_id" uuid PRIMARY KEY NOT NULL,
	"position" varchar(80) NOT NULL,
	"wage_min" numeric(12, 2) NOT NULL,
	"wage_max" numeric(12, 2) NOT NULL,
	"wage_period" "wage_period" DEFAULT 'month' NOT NULL,
	"hours_per_week" smallint,
	"hours_description" varchar(200) DEFAULT '' NOT NULL,
	"workplace_region_code" varchar(12) NOT NULL,
	CONSTRAINT "job_wage_range" CHECK ("job_details"."wage_min" >= 0 and "job_details"."wage_max" >= "job_details"."wage_min"),
	CONSTRAINT "job_hours" CHECK ("job_details"."hours_per_week" is null or ("job_details"."hours_per_week" > 0 and "job_details"."hours_per_week" <= 84))
);
--> statement-breakpoint
CREATE TABLE "listing_skills" (
	"listing_id" uuid NOT NULL,
	"skill_code" varchar(48) NOT NULL,
	"role" "listing_skill_role" NOT NULL,
	"level" "skill_level" DEFAULT 'beginner' NOT NULL,
	CONSTRAINT "listing_skills_listing_id_skill_code_role_pk" PRIMARY KEY("listing_id","skill_code","role")
);
--> statement-breakpoint
CREATE TABLE "listing_versions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"listing_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"status" "listing_status" NOT NULL,
	"snapshot" jsonb NOT NULL,
	"changed_fields" text[] DEFAULT '{}' NOT NULL,
	"changed_by_id" uuid,
	"changed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "listings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" uuid NOT NULL,
	"kind" "listing_kind" NOT NULL,
	"status" "listing_status" DEFAULT 'draft' NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"title" varchar(120) NOT NULL,
	"description" text NOT NULL,
	"region_code" varchar(12) NOT NULL,
	"categories" text[] NOT NULL,
	"target_groups" text[] DEFAULT '{}' NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date,
	"capacity" integer,
	"contact_method" varchar(200) NOT NULL,
	"age_min" smallint,
	"age_max" smallint,
	"min_education" "education_level",
	"eligible_gender" "gender",
	"accommodations" text[] DEFAULT '{}' NOT NULL,
	"published_at" timestamp with time zone,
	"closed_at" timestamp with time zone,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "listings_dates_ordered" CHECK ("listings"."ends_on" is null or "listings"."ends_on" >= "listings"."starts_on"),
	CONSTRAINT "listings_age_range" CHECK ("listings"."age_min" is null or "listings"."age_max" is null or "listings"."age_min" <= "listings"."age_max"),
	CONSTRAINT "listings_capacity_positive" CHECK ("listings"."capacity" is null or "listings"."capacity" > 0),
	CONSTRAINT "listings_has_category" CHECK (cardinality("listings"."categories") > 0)
);
--> statement-breakpoint
CREATE TABLE "project_details" (
	"listing_id" uuid PRIMARY KEY NOT NULL,
	"duration_months" smallint NOT NULL,
	"budget" numeric(14, 2) NOT NULL,
	"claim_open" boolean DEFAULT true NOT NULL,
	CONSTRAINT "project_duration" CHECK ("project_details"."duration_months" >= 6),
	CONSTRAINT "project_budget" CHECK ("project_details"."budget" > 0)
);
--> statement-breakpoint
CREATE TABLE "project_milestones" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"listing_id" uuid NOT NULL,
	"seq" smallint NOT NULL,
	"title" varchar(120) NOT NULL,
	"due_on" date NOT NULL,
	"budget_share_percent" numeric(5, 2) NOT NULL,
	"evidence_required" text NOT NULL,
	CONSTRAINT "milestone_share" CHECK ("project_milestones"."budget_share_percent" > 0 and "project_milestones"."budget_share_percent" <= 100)
);
--> statement-breakpoint
CREATE TABLE "training_details" (
	"listing_id" uuid PRIMARY KEY NOT NULL,
	"schedule" varchar(300) NOT NULL,
	"cost_yuan" numeric(12, 2) DEFAULT '0' NOT NULL,
	"certificate" varchar(120),
	"delivery" "training_delivery" NOT NULL,
	"prerequisites" text DEFAULT '' NOT NULL,
	"placement_partner" varchar(128),
	CONSTRAINT "training_cost" CHECK ("training_details"."cost_yuan" >= 0)
);
--> statement-breakpoint
ALTER TABLE "donation_details" ADD CONSTRAINT "donation_details_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "donation_details" ADD CONSTRAINT "donation_details_delivery_region_code_regions_code_fk" FOREIGN KEY ("delivery_region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_details" ADD CONSTRAINT "job_details_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "job_details" ADD CONSTRAINT "job_details_workplace_region_code_regions_code_fk" FOREIGN KEY ("workplace_region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_skills" ADD CONSTRAINT "listing_skills_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_skills" ADD CONSTRAINT "listing_skills_skill_code_skills_code_fk" FOREIGN KEY ("skill_code") REFERENCES "public"."skills"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_versions" ADD CONSTRAINT "listing_versions_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_versions" ADD CONSTRAINT "listing_versions_changed_by_id_users_id_fk" FOREIGN KEY ("changed_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listings" ADD CONSTRAINT "listings_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_details" ADD CONSTRAINT "project_details_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_milestones" ADD CONSTRAINT "project_milestones_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_details" ADD CONSTRAINT "training_details_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "skills_domain_index" ON "skills" USING btree ("domain");--> statement-breakpoint
CREATE INDEX "donation_details_delivery_region_code_index" ON "donation_details" USING btree ("delivery_region_code");--> statement-breakpoint
CREATE INDEX "job_details_workplace_region_code_index" ON "job_details" USING btree ("workplace_region_code");--> statement-breakpoint
CREATE INDEX "listing_skills_skill_code_index" ON "listing_skills" USING btree ("skill_code");--> statement-breakpoint
CREATE UNIQUE INDEX "listing_versions_listing_id_version_index" ON "listing_versions" USING btree ("listing_id","version");--> statement-breakpoint
CREATE INDEX "listing_versions_changed_by_id_index" ON "listing_versions" USING btree ("changed_by_id");--> statement-breakpoint
CREATE INDEX "listings_organization_id_index" ON "listings" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "listings_status_kind_index" ON "listings" USING btree ("status","kind");--> statement-breakpoint
CREATE INDEX "listings_region_code_index" ON "listings" USING btree ("region_code");--> statement-breakpoint
CREATE INDEX "listings_created_by_id_index" ON "listings" USING btree ("created_by_id");--> statement-breakpoint
CREATE INDEX "listings_categories_gin" ON "listings" USING gin ("categories");--> statement-breakpoint
CREATE INDEX "listings_target_groups_gin" ON "listings" USING gin ("target_groups");--> statement-breakpoint
CREATE UNIQUE INDEX "project_milestones_listing_id_seq_index" ON "project_milestones" USING btree ("listing_id","seq");