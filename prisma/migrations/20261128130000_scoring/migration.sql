-- Scoring workers: what was queued per study revision, the model registry, and radiologists' feedback on AI results.

-- CreateEnum
CREATE TYPE "AiFeedbackVerdict" AS ENUM ('confirmed', 'dismissed');

-- AlterTable
ALTER TABLE "Study" ADD COLUMN "scoringRevision" INTEGER;

-- CreateIndex
CREATE INDEX "Study_scoringRevision_idx" ON "Study"("scoringRevision");

-- CreateIndex
CREATE INDEX "AiResult_modelId_modelVersion_createdAt_idx" ON "AiResult"("modelId", "modelVersion", "createdAt");

-- CreateTable
CREATE TABLE "AiFeedback" (
    "id" TEXT NOT NULL,
    "aiResultId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "verdict" "AiFeedbackVerdict" NOT NULL,
    "comment" TEXT,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AiFeedback_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AiFeedback_aiResultId_userId_key" ON "AiFeedback"("aiResultId", "userId");

-- AddForeignKey
ALTER TABLE "AiFeedback" ADD CONSTRAINT "AiFeedback_aiResultId_fkey" FOREIGN KEY ("aiResultId") REFERENCES "AiResult"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AiFeedback" ADD CONSTRAINT "AiFeedback_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- CreateTable
CREATE TABLE "AiModel" (
    "id" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "version" TEXT NOT NULL,
    "manifest" JSONB NOT NULL,
    "sha256" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "loadError" TEXT,
    "criticalThreshold" DOUBLE PRECISION,
    "urgentThreshold" DOUBLE PRECISION,
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastLoadedAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AiModel_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AiModel_modelId_version_key" ON "AiModel"("modelId", "version");
