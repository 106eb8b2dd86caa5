-- Shift schedules: weekly shifts and one-off changes per reader; a profile remembers what the
-- schedule last said, so it moves the duty switch only at a shift's start or end.
ALTER TABLE "ReaderProfile" ADD COLUMN "scheduledOnDuty" BOOLEAN;
ALTER TABLE "ReaderProfile" ADD COLUMN "shiftGroups" TEXT[] DEFAULT ARRAY[]::TEXT[];

CREATE TABLE "ReaderShift" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "weekday" INTEGER,
    "date" DATE,
    "startMinute" INTEGER NOT NULL,
    "endMinute" INTEGER NOT NULL,
    "groups" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "off" BOOLEAN NOT NULL DEFAULT false,
    CONSTRAINT "ReaderShift_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "ReaderShift_userId_idx" ON "ReaderShift"("userId");
ALTER TABLE "ReaderShift" ADD CONSTRAINT "ReaderShift_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
