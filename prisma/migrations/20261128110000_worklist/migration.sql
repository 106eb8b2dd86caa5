-- CreateEnum
CREATE TYPE "AiVerdictStatus" AS ENUM ('critical', 'urgent', 'negative', 'unavailable', 'not_applicable');

-- CreateEnum
CREATE TYPE "OverrideKind" AS ENUM ('pin', 'target');

-- AlterTable
ALTER TABLE "Study" ADD COLUMN "claimHeartbeatAt" TIMESTAMP(3),
ADD COLUMN "aiStatus" "AiVerdictStatus",
ADD COLUMN "aiFinding" TEXT,
ADD COLUMN "aiProbability" DOUBLE PRECISION,
ADD COLUMN "aiModelId" TEXT,
ADD COLUMN "aiModelVersion" TEXT,
ADD COLUMN "aiReason" TEXT,
ADD COLUMN "overrideKind" "OverrideKind",
ADD COLUMN "overrideMinutes" INTEGER,
ADD COLUMN "overrideReason" TEXT,
ADD COLUMN "overrideById" TEXT,
ADD COLUMN "overrideAt" TIMESTAMP(3),
ADD COLUMN "dueAt" TIMESTAMP(3),
ADD COLUMN "pinnedAt" TIMESTAMP(3),
ADD COLUMN "capAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "User" ADD COLUMN "worklistFilters" JSONB;

-- CreateTable
CREATE TABLE "StudySkip" (
    "id" TEXT NOT NULL,
    "studyId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "until" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StudySkip_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AppSetting" (
    "key" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" TEXT,

    CONSTRAINT "AppSetting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "StudySkip_userId_until_idx" ON "StudySkip"("userId", "until");

-- CreateIndex
CREATE INDEX "StudySkip_studyId_idx" ON "StudySkip"("studyId");

-- CreateIndex
CREATE INDEX "Study_readingState_pinnedAt_dueAt_idx" ON "Study"("readingState", "pinnedAt", "dueAt");

-- AddForeignKey
ALTER TABLE "Study" ADD CONSTRAINT "Study_overrideById_fkey" FOREIGN KEY ("overrideById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StudySkip" ADD CONSTRAINT "StudySkip_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "Study"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StudySkip" ADD CONSTRAINT "StudySkip_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
