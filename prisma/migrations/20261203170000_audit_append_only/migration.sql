-- The audit log is append-only: no statement, from the app or a bug in it, can change or delete an event.
-- The one change allowed is the ON DELETE SET NULL of its user or study links (the event stays, unlinked).
CREATE FUNCTION "readnext_audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE'
     AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.action = OLD.action AND NEW.details = OLD.details
     AND (NEW."actorId" IS NOT DISTINCT FROM OLD."actorId" OR NEW."actorId" IS NULL)
     AND (NEW."studyId" IS NOT DISTINCT FROM OLD."studyId" OR NEW."studyId" IS NULL) THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'audit events cannot be changed or deleted (% refused)', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "AuditEvent_append_only"
  BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION "readnext_audit_append_only"();

-- The audit page filters by action over a date range.
CREATE INDEX "AuditEvent_action_at_idx" ON "AuditEvent"("action", "at");
