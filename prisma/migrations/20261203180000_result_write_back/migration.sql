-- AI results sent back to the source PACS as DICOM SR (when the source's setting is on).
ALTER TABLE "PacsSource" ADD COLUMN "writeResultsBack" BOOLEAN NOT NULL DEFAULT false;

-- One row per AI result sent (or being sent): its SR's UID is fixed before the first try, so a retry
-- after a lost answer stores the same instance again rather than a second one; sentAt says it is done.
CREATE TABLE "ResultWriteBack" (
    "aiResultId" TEXT NOT NULL,
    "studyId" TEXT NOT NULL,
    "sopInstanceUid" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastError" TEXT,
    "lastTriedAt" TIMESTAMP(3),
    "sentAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ResultWriteBack_pkey" PRIMARY KEY ("aiResultId")
);
CREATE UNIQUE INDEX "ResultWriteBack_sopInstanceUid_key" ON "ResultWriteBack"("sopInstanceUid");
CREATE INDEX "ResultWriteBack_studyId_idx" ON "ResultWriteBack"("studyId");
ALTER TABLE "ResultWriteBack" ADD CONSTRAINT "ResultWriteBack_aiResultId_fkey" FOREIGN KEY ("aiResultId") REFERENCES "AiResult"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ResultWriteBack" ADD CONSTRAINT "ResultWriteBack_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "Study"("id") ON DELETE CASCADE ON UPDATE CASCADE;
