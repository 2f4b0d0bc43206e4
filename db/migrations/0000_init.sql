CREATE TABLE "bundle_recommendations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"upload_id" uuid NOT NULL,
	"shop_id" text NOT NULL,
	"type" text NOT NULL,
	"items" jsonb NOT NULL,
	"stats" jsonb,
	"pricing" jsonb NOT NULL,
	"score" double precision NOT NULL,
	"rank" integer NOT NULL,
	"source" text NOT NULL,
	"reason" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "csv_uploads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"shop_id" text NOT NULL,
	"filename" text NOT NULL,
	"csv_type" text DEFAULT 'quick_install' NOT NULL,
	"status" text NOT NULL,
	"total_rows" integer DEFAULT 0 NOT NULL,
	"processed_rows" integer DEFAULT 0 NOT NULL,
	"error_message" text,
	"processing_params" jsonb NOT NULL,
	"summary" jsonb,
	"bytes_received" bigint DEFAULT 0 NOT NULL,
	"gzipped" boolean DEFAULT false NOT NULL,
	"completed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "csv_uploads_status_known" CHECK ("csv_uploads"."status" in ('processing', 'completed', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "upload_chunks" (
	"upload_id" uuid NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "upload_chunks_upload_id_seq_pk" PRIMARY KEY("upload_id","seq")
);
--> statement-breakpoint
ALTER TABLE "bundle_recommendations" ADD CONSTRAINT "bundle_recommendations_upload_id_csv_uploads_id_fk" FOREIGN KEY ("upload_id") REFERENCES "public"."csv_uploads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "bundle_recommendations_upload_rank" ON "bundle_recommendations" USING btree ("upload_id","rank");--> statement-breakpoint
CREATE UNIQUE INDEX "csv_uploads_one_processing_per_shop" ON "csv_uploads" USING btree ("shop_id") WHERE "csv_uploads"."status" = 'processing';--> statement-breakpoint
CREATE INDEX "csv_uploads_shop_created" ON "csv_uploads" USING btree ("shop_id","created_at");--> statement-breakpoint
CREATE INDEX "csv_uploads_status_created" ON "csv_uploads" USING btree ("status","created_at");--> statement-breakpoint
CREATE INDEX "upload_chunks_created" ON "upload_chunks" USING btree ("created_at");