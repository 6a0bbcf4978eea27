CREATE TYPE "public"."region_level" AS ENUM('province', 'city', 'county', 'township', 'village');--> statement-breakpoint
CREATE TYPE "public"."mass_org_subtype" AS ENUM('trade_union', 'youth_league', 'womens_federation', 'science_association', 'disabled_persons_federation');--> statement-breakpoint
CREATE TYPE "public"."organization_kind" AS ENUM('enterprise', 'social_org', 'mass_org');--> statement-breakpoint
CREATE TYPE "public"."org_member_role" AS ENUM('owner', 'member');--> statement-breakpoint
CREATE TYPE "public"."user_role" AS ENUM('resident', 'caseworker', 'org_member', 'donor', 'admin');--> statement-breakpoint
CREATE TABLE "regions" (
	"code" varchar(12) PRIMARY KEY NOT NULL,
	"name" varchar(64) NOT NULL,
	"level" "region_level" NOT NULL,
	"parent_code" varchar(12)
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" varchar(128) NOT NULL,
	"kind" "organization_kind" NOT NULL,
	"mass_org_subtype" "mass_org_subtype",
	"region_code" varchar(12) NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"contact_phone" varchar(32),
	"credit_code" varchar(18),
	"verified_at" timestamp with time zone,
	"verified_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "organizations_name_unique" UNIQUE("name"),
	CONSTRAINT "organizations_creditCode_unique" UNIQUE("credit_code"),
	CONSTRAINT "organizations_subtype_matches_kind" CHECK (("organizations"."kind" = 'mass_org') = ("organizations"."mass_org_subtype" is not null))
);
--> statement-breakpoint
CREATE TABLE "passwords" (
	"user_id" uuid PRIMARY KEY NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sessions" (
	"id" varchar(64) PRIMARY KEY NOT NULL,
	"user_id" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"username" varchar(32) NOT NULL,
	"display_name" varchar(64) NOT NULL,
	"phone" varchar(20),
	"role" "user_role" NOT NULL,
	"organization_id" uuid,
	"org_member_role" "org_member_role",
	"disabled_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "users_username_unique" UNIQUE("username"),
	CONSTRAINT "users_org_membership" CHECK (("users"."role" = 'org_member') = ("users"."organization_id" is not null))
);
--> statement-breakpoint
ALTER TABLE "regions" ADD CONSTRAINT "regions_parent_code_regions_code_fk" FOREIGN KEY ("parent_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "organizations" ADD CONSTRAINT "organizations_verified_by_id_users_id_fk" FOREIGN KEY ("verified_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "passwords" ADD CONSTRAINT "passwords_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "regions_parent_code_index" ON "regions" USING btree ("parent_code");--> statement-breakpoint
CREATE INDEX "regions_level_index" ON "regions" USING btree ("level");--> statement-breakpoint
CREATE INDEX "organizations_region_code_index" ON "organizations" USING btree ("region_code");--> statement-breakpoint
CREATE INDEX "organizations_kind_index" ON "organizations" USING btree ("kind");--> statement-breakpoint
CREATE INDEX "organizations_verified_by_id_index" ON "organizations" USING btree ("verified_by_id");--> statement-breakpoint
CREATE INDEX "sessions_user_id_index" ON "sessions" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "sessions_expires_at_index" ON "sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "users_organization_id_index" ON "users" USING btree ("organization_id");