-- The hospital a study was made at (DICOM InstitutionName, 0008,0080), as the PACS reports it:
-- routing rules can send a site's studies to a group by it (one PACS often serves several hospitals).
ALTER TABLE "Study" ADD COLUMN "institutionName" TEXT;
