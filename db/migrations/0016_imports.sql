CREATE TYPE "public"."import_kind" AS ENUM('households', 'listings');--> statement-breakpoint
CREATE TYPE "public"."import_status" AS ENUM('staged', 'queued', 'imported', 'failed', 'expired');--> statement-breakpoint
CREATE TABLE "import_batches" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "import_kind" NOT NULL,
	"uploaded_by_id" uuid NOT NULL,
	"organization_id" uuid,
	"file_name" varchar(200) NOT NULL,
	"content_sha256" varchar(64) NOT NULL,
	"sealed_content" text,
	"status" "import_status" DEFAULT 'staged' NOT NULL,
	"row_count" integer DEFAULT 0 NOT NULL,
	"issues" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"preview" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"imported_count" integer DEFAULT 0 NOT NULL,
	"failure" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"imported_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "import_records" (
	"batch_id" uuid NOT NULL,
	"line" integer NOT NULL,
	"entity_id" uuid NOT NULL,
	CONSTRAINT "import_records_batch_id_line_pk" PRIMARY KEY("batch_id","line")
);
--> statement-breakpoint
CREATE TABLE "listing_external_keys" (
	"organization_id" uuid NOT NULL,
	"external_key" varchar(64) NOT NULL,
	"listing_id" uuid NOT NULL,
	"batch_id" uuid,
	CONSTRAINT "listing_external_keys_organization_id_external_key_pk" PRIMARY KEY("organization_id","external_key")
);
--> statement-breakpoint
ALTER TABLE "import_batches" ADD CONSTRAINT "import_batches_uploaded_by_id_users_id_fk" FOREIGN KEY ("uploaded_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_batches" ADD CONSTRAINT "import_batches_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_records" ADD CONSTRAINT "import_records_batch_id_import_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."import_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_external_keys" ADD CONSTRAINT "listing_external_keys_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_external_keys" ADD CONSTRAINT "listing_external_keys_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_external_keys" ADD CONSTRAINT "listing_external_keys_batch_id_import_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."import_batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_batches_uploaded_by_id_index" ON "import_batches" USING btree ("uploaded_by_id");--> statement-breakpoint
CREATE INDEX "import_batches_organization_id_index" ON "import_batches" USING btree ("organization_id");--> statement-breakpoint
CREATE INDEX "import_batches_status_expires_at_index" ON "import_batches" USING btree ("status","expires_at");--> statement-breakpoint
CREATE INDEX "listing_external_keys_listing_id_index" ON "listing_external_keys" USING btree ("listing_id");--> statement-breakpoint
CREATE INDEX "listing_external_keys_batch_id_index" ON "listing_external_keys" USING btree ("batch_id");