CREATE TABLE "deferred_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"queue" varchar(64) NOT NULL,
	"name" varchar(64) NOT NULL,
	"job_id" varchar(256) NOT NULL,
	"data" jsonb NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "deferred_jobs_queue_job_id_index" ON "deferred_jobs" USING btree ("queue","job_id");--> statement-breakpoint
CREATE INDEX "deferred_jobs_created_at_index" ON "deferred_jobs" USING btree ("created_at");