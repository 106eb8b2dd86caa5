-- Why a source cannot be used at all (the demo PACS when Orthanc is not installed), shown on
-- the admin page with what to do; workers skip such a source.
ALTER TABLE "PacsSource" ADD COLUMN "unavailableReason" TEXT;
