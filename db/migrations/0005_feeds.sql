CREATE TYPE "public"."department" AS ENUM('civil_affairs', 'disabled_persons_federation', 'medical_insurance', 'education', 'human_resources');--> statement-breakpoint
CREATE TYPE "public"."feed_delivery_source" AS ENUM('upload', 'api');--> statement-breakpoint
CREATE TYPE "public"."feed_delivery_status" AS ENUM('queued', 'processing', 'completed', 'refused');--> statement-breakpoint
CREATE TYPE "public"."feed_record_status" AS ENUM('pending', 'applied', 'rejected', 'review', 'duplicate', 'dismissed');--> statement-breakpoint
CREATE TYPE "public"."feed_type" AS ENUM('medical_insurance_settlement', 'disability_certificate', 'dibao_enrolment', 'student_aid', 'unemployment_registration');--> statement-breakpoint
CREATE TABLE "feed_api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"department" "department" NOT NULL,
	"feed_types" text[] NOT NULL,
	"label" varchar(80) NOT NULL,
	"key_prefix" varchar(16) NOT NULL,
	"key_hash" varchar(64) NOT NULL,
	"created_by_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "feed_api_keys_keyHash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "feed_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"feed_type" "feed_type" NOT NULL,
	"department" "department" NOT NULL,
	"source" "feed_delivery_source" NOT NULL,
	"file_name" varchar(200) NOT NULL,
	"format" varchar(8) NOT NULL,
	"content_sha256" varchar(64) NOT NULL,
	"status" "feed_delivery_status" DEFAULT 'queued' NOT NULL,
	"refusal" text,
	"rows_total" integer DEFAULT 0 NOT NULL,
	"rows_applied" integer DEFAULT 0 NOT NULL,
	"rows_rejected" integer DEFAULT 0 NOT NULL,
	"rows_review" integer DEFAULT 0 NOT NULL,
	"rows_duplicate" integer DEFAULT 0 NOT NULL,
	"delivered_by_id" uuid,
	"api_key_id" uuid,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "feed_records" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"delivery_id" uuid NOT NULL,
	"feed_type" "feed_type" NOT NULL,
	"line" integer NOT NULL,
	"record_key" varchar(64),
	"status" "feed_record_status" NOT NULL,
	"issues" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"id_hash" varchar(64),
	"id_masked" varchar(24),
	"id_sealed" text,
	"data" jsonb,
	"member_id" uuid,
	"review_note" text,
	"resolved_by_id" uuid,
	"resolved_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"applied_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "feed_api_keys" ADD CONSTRAINT "feed_api_keys_created_by_id_users_id_fk" FOREIGN KEY ("created_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_deliveries" ADD CONSTRAINT "feed_deliveries_delivered_by_id_users_id_fk" FOREIGN KEY ("delivered_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_deliveries" ADD CONSTRAINT "feed_deliveries_api_key_id_feed_api_keys_id_fk" FOREIGN KEY ("api_key_id") REFERENCES "public"."feed_api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_records" ADD CONSTRAINT "feed_records_delivery_id_feed_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."feed_deliveries"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "feed_records" ADD CONSTRAINT "feed_records_resolved_by_id_users_id_fk" FOREIGN KEY ("resolved_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "feed_api_keys_created_by_id_index" ON "feed_api_keys" USING btree ("created_by_id");--> statement-breakpoint
CREATE INDEX "feed_api_keys_department_index" ON "feed_api_keys" USING btree ("department");--> statement-breakpoint
CREATE INDEX "feed_deliveries_feed_type_received_at_index" ON "feed_deliveries" USING btree ("feed_type","received_at");--> statement-breakpoint
CREATE INDEX "feed_deliveries_delivered_by_id_index" ON "feed_deliveries" USING btree ("delivered_by_id");--> statement-breakpoint
CREATE INDEX "feed_deliveries_api_key_id_index" ON "feed_deliveries" USING btree ("api_key_id");--> statement-breakpoint
CREATE INDEX "feed_deliveries_status_index" ON "feed_deliveries" USING btree ("status");--> statement-breakpoint
CREATE INDEX "feed_records_delivery_id_line_index" ON "feed_records" USING btree ("delivery_id","line");--> statement-breakpoint
CREATE INDEX "feed_records_status_index" ON "feed_records" USING btree ("status");--> statement-breakpoint
CREATE INDEX "feed_records_id_hash_index" ON "feed_records" USING btree ("id_hash");--> statement-breakpoint
CREATE INDEX "feed_records_resolved_by_id_index" ON "feed_records" USING btree ("resolved_by_id");--> statement-breakpoint
CREATE INDEX "feed_records_member_id_index" ON "feed_records" USING btree ("member_id");--> statement-breakpoint
CREATE UNIQUE INDEX "feed_records_applied_once" ON "feed_records" USING btree ("feed_type","record_key") WHERE "feed_records"."status" = 'applied';