-- The in-memory doctor index (services/search/memory_search_store.h) follows search.doctors
-- and search.suggestions by transaction id: every insert or update of a row stamps it with
-- the id of the transaction that wrote it, so a reader whose last snapshot had xmin X reads
-- again only the rows with change_xid >= X (pg_doctor_feed_store.h). Deleted doctors stay as
-- tombstone rows (an update), so deletions are seen too; a doctor's own suggestion entries are
-- re-read with the doctor. Other suggestion entries are only ever inserted.
CREATE FUNCTION stamp_change_xid() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.change_xid := pg_current_xact_id();
  RETURN NEW;
END
$$;

ALTER TABLE doctors ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX doctors_change_idx ON doctors (change_xid);
CREATE TRIGGER doctors_stamp_change_xid BEFORE INSERT OR UPDATE ON doctors
  FOR EACH ROW EXECUTE FUNCTION stamp_change_xid();

ALTER TABLE suggestions ADD COLUMN change_xid xid8 NOT NULL DEFAULT pg_current_xact_id();
CREATE INDEX suggestions_change_idx ON suggestions (change_xid);
