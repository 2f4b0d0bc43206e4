-- Every change to a shop's uploads announces the shop on channel csv_uploads_changed (delivered at
-- commit, to every instance listening), so instances can cache GET .../quick-install/status answers
-- and drop them the moment any writer (another instance, the sweep, a manual fix) changes the row.
CREATE FUNCTION "csv_uploads_notify_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('csv_uploads_changed', COALESCE(NEW.shop_id, OLD.shop_id));
	RETURN NULL;
END
$$;--> statement-breakpoint
CREATE TRIGGER "csv_uploads_notify_change" AFTER INSERT OR UPDATE OR DELETE ON "csv_uploads"
	FOR EACH ROW EXECUTE FUNCTION "csv_uploads_notify_change"();
