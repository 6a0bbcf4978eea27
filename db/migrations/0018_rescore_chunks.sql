CREATE TABLE "rescore_chunks" (
	"run_id" varchar(64) NOT NULL,
	"chunk" integer NOT NULL,
	"first_id" uuid NOT NULL,
	"last_id" uuid NOT NULL,
	"listings" integer NOT NULL,
	"done_at" timestamp with time zone,
	CONSTRAINT "rescore_chunks_run_id_chunk_pk" PRIMARY KEY("run_id","chunk")
);
--> statement-breakpoint
ALTER TABLE "rescore_chunks" ADD CONSTRAINT "rescore_chunks_run_id_rescore_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."rescore_runs"("id") ON DELETE cascade ON UPDATE no action;