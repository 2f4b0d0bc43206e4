-- When a worker started the upload's current attempt (null while it waits in the queue): the sweep times
-- stuck attempts from here, so an upload still waiting behind others is not failed as timed out.
ALTER TABLE "csv_uploads" ADD COLUMN "attempt_started_at" timestamp with time zone;