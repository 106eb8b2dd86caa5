-- Push assignment with interruptions allowed: an urgent study asks a reader to pause a less
-- urgent case. One row per question; "answer" is null while it is open (accepted, declined,
-- expired or withdrawn once closed). At most one open question per study and per reader.
CREATE TABLE "ReadingInterruption" (
    "id" TEXT NOT NULL,
    "studyId" TEXT NOT NULL,
    "readerId" TEXT NOT NULL,
    "pausedStudyId" TEXT NOT NULL,
    "askedAt" TIMESTAMP(3) NOT NULL,
    "answer" TEXT,
    "answeredAt" TIMESTAMP(3),

    CONSTRAINT "ReadingInterruption_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "ReadingInterruption_open_study_key" ON "ReadingInterruption"("studyId") WHERE "answer" IS NULL;
CREATE UNIQUE INDEX "ReadingInterruption_open_reader_key" ON "ReadingInterruption"("readerId") WHERE "answer" IS NULL;
CREATE INDEX "ReadingInterruption_studyId_idx" ON "ReadingInterruption"("studyId");
CREATE INDEX "ReadingInterruption_pausedStudyId_idx" ON "ReadingInterruption"("pausedStudyId");

ALTER TABLE "ReadingInterruption" ADD CONSTRAINT "ReadingInterruption_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "Study"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ReadingInterruption" ADD CONSTRAINT "ReadingInterruption_readerId_fkey" FOREIGN KEY ("readerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ReadingInterruption" ADD CONSTRAINT "ReadingInterruption_pausedStudyId_fkey" FOREIGN KEY ("pausedStudyId") REFERENCES "Study"("id") ON DELETE CASCADE ON UPDATE CASCADE;
