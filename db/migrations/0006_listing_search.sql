CREATE TYPE "public"."duplicate_flag_status" AS ENUM('open', 'distinct', 'coordinate');--> statement-breakpoint
CREATE TABLE "listing_duplicate_flags" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"listing_id" uuid NOT NULL,
	"other_listing_id" uuid NOT NULL,
	"similarity" numeric(5, 4) NOT NULL,
	"status" "duplicate_flag_status" DEFAULT 'open' NOT NULL,
	"decided_by_id" uuid,
	"decided_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "duplicate_flag_pair_ordered" CHECK ("listing_duplicate_flags"."listing_id" < "listing_duplicate_flags"."other_listing_id")
);
--> statement-breakpoint
CREATE TABLE "listing_search_documents" (
	"listing_id" uuid PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"kind" "listing_kind" NOT NULL,
	"organization_id" uuid NOT NULL,
	"organization_kind" "organization_kind" NOT NULL,
	"region_code" varchar(12) NOT NULL,
	"categories" text[] NOT NULL,
	"target_groups" text[] NOT NULL,
	"title" varchar(120) NOT NULL,
	"words" text NOT NULL,
	"document" "tsvector" NOT NULL,
	"trigram_text" text NOT NULL,
	"published_at" timestamp with time zone NOT NULL,
	"indexed_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "listing_duplicate_flags" ADD CONSTRAINT "listing_duplicate_flags_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_duplicate_flags" ADD CONSTRAINT "listing_duplicate_flags_other_listing_id_listings_id_fk" FOREIGN KEY ("other_listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_duplicate_flags" ADD CONSTRAINT "listing_duplicate_flags_decided_by_id_users_id_fk" FOREIGN KEY ("decided_by_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "listing_search_documents" ADD CONSTRAINT "listing_search_documents_listing_id_listings_id_fk" FOREIGN KEY ("listing_id") REFERENCES "public"."listings"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "listing_duplicate_flags_listing_id_other_listing_id_index" ON "listing_duplicate_flags" USING btree ("listing_id","other_listing_id");--> statement-breakpoint
CREATE INDEX "listing_duplicate_flags_other_listing_id_index" ON "listing_duplicate_flags" USING btree ("other_listing_id");--> statement-breakpoint
CREATE INDEX "listing_duplicate_flags_status_index" ON "listing_duplicate_flags" USING btree ("status");--> statement-breakpoint
CREATE INDEX "listing_duplicate_flags_decided_by_id_index" ON "listing_duplicate_flags" USING btree ("decided_by_id");--> statement-breakpoint
CREATE INDEX "listing_search_documents_document_gin" ON "listing_search_documents" USING gin ("document");--> statement-breakpoint
CREATE INDEX "listing_search_documents_categories_gin" ON "listing_search_documents" USING gin ("categories");--> statement-breakpoint
CREATE INDEX "listing_search_documents_target_groups_gin" ON "listing_search_documents" USING gin ("target_groups");--> statement-breakpoint
CREATE INDEX "listing_search_documents_kind_index" ON "listing_search_documents" USING btree ("kind");--> statement-breakpoint
CREATE INDEX "listing_search_documents_region_code_index" ON "listing_search_documents" USING btree ("region_code");--> statement-breakpoint
CREATE INDEX "listing_search_documents_organization_id_index" ON "listing_search_documents" USING btree ("organization_id");