-- Reading-room routing: reading groups and rules live in the "routing" setting; a study
-- stores the group they send it to; readers have profiles, group memberships with their
-- privileges, and site credentials with expiry dates.
ALTER TABLE "PacsSource" ADD COLUMN "credentialRequired" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "Study" ADD COLUMN "routedGroup" TEXT;
ALTER TABLE "Study" ADD COLUMN "routeReason" TEXT;

CREATE TABLE "ReaderProfile" (
    "userId" TEXT NOT NULL,
    "trainee" BOOLEAN NOT NULL DEFAULT false,
    "onDuty" BOOLEAN NOT NULL DEFAULT true,
    "capRvu" DOUBLE PRECISION,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "ReaderProfile_pkey" PRIMARY KEY ("userId")
);
ALTER TABLE "ReaderProfile" ADD CONSTRAINT "ReaderProfile_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ReaderGroupMembership" (
    "userId" TEXT NOT NULL,
    "groupKey" TEXT NOT NULL,
    "modalities" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "bodyParts" TEXT[] DEFAULT ARRAY[]::TEXT[],
    CONSTRAINT "ReaderGroupMembership_pkey" PRIMARY KEY ("userId", "groupKey")
);
CREATE INDEX "ReaderGroupMembership_groupKey_idx" ON "ReaderGroupMembership"("groupKey");
ALTER TABLE "ReaderGroupMembership" ADD CONSTRAINT "ReaderGroupMembership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

CREATE TABLE "ReaderCredential" (
    "userId" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "expiresOn" DATE,
    CONSTRAINT "ReaderCredential_pkey" PRIMARY KEY ("userId", "sourceId")
);
CREATE INDEX "ReaderCredential_sourceId_idx" ON "ReaderCredential"("sourceId");
ALTER TABLE "ReaderCredential" ADD CONSTRAINT "ReaderCredential_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ReaderCredential" ADD CONSTRAINT "ReaderCredential_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "PacsSource"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Push assignment: each open study's work RVUs and the reader it is assigned to.
ALTER TABLE "Study" ADD COLUMN "workRvu" DOUBLE PRECISION;
ALTER TABLE "Study" ADD COLUMN "assignedToId" TEXT;
ALTER TABLE "Study" ADD COLUMN "assignedAt" TIMESTAMP(3);
ALTER TABLE "Study" ADD CONSTRAINT "Study_assignedToId_fkey" FOREIGN KEY ("assignedToId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
CREATE INDEX "Study_assigned_open_idx" ON "Study"("assignedToId", "dueAt") WHERE "assignedToId" IS NOT NULL AND "dueAt" IS NOT NULL;
CREATE INDEX "Study_unassigned_open_idx" ON "Study"("firstSeenAt") WHERE "assignedToId" IS NULL AND "dueAt" IS NOT NULL;

-- Readers' eligible-only walks: the worklist's orders within one reading group.
CREATE INDEX "Study_group_due_idx" ON "Study"("routedGroup", "dueAt", "firstSeenAt", "id") WHERE "dueAt" IS NOT NULL;
CREATE INDEX "Study_group_pinned_idx" ON "Study"("routedGroup", "pinnedAt", "dueAt", "firstSeenAt", "id") WHERE "pinnedAt" IS NOT NULL;
CREATE INDEX "Study_group_cap_idx" ON "Study"("routedGroup", "capAt", "dueAt", "firstSeenAt", "id") WHERE "capAt" IS NOT NULL;
CREATE INDEX "Study_patient_open_idx" ON "Study"("patientId", "sourceId") WHERE "assignedToId" IS NOT NULL AND "dueAt" IS NOT NULL;
