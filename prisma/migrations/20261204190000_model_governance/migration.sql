-- AI governance: model versions in shadow mode (scored, never acted on), validation runs of a
-- model version on the site's own labelled studies, and drift alerts.
CREATE TYPE "ModelMode" AS ENUM ('LIVE', 'SHADOW');

CREATE TYPE "ValidationStatus" AS ENUM ('QUEUED', 'RUNNING', 'DONE', 'FAILED');

CREATE TYPE "ValidationCaseStatus" AS ENUM ('PENDING', 'SCORED', 'NOT_APPLICABLE', 'FAILED', 'INVALID');

ALTER TABLE "AiModel" ADD COLUMN     "mode" "ModelMode" NOT NULL DEFAULT 'LIVE';

ALTER TABLE "AiResult" ADD COLUMN     "shadow" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "ModelValidation" (
    "id" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "status" "ValidationStatus" NOT NULL DEFAULT 'QUEUED',
    "labelsName" TEXT NOT NULL,
    "labelsSha256" TEXT NOT NULL,
    "threshold" DOUBLE PRECISION NOT NULL,
    "targetSensitivity" DOUBLE PRECISION NOT NULL,
    "runBy" TEXT NOT NULL DEFAULT 'worker',
    "total" INTEGER NOT NULL,
    "done" INTEGER NOT NULL DEFAULT 0,
    "summary" JSONB,
    "error" TEXT,
    "createdById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMP(3),
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "ModelValidation_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "ModelValidationCase" (
    "id" TEXT NOT NULL,
    "validationId" TEXT NOT NULL,
    "line" INTEGER NOT NULL,
    "studyKey" TEXT NOT NULL,
    "keyKind" TEXT NOT NULL,
    "label" INTEGER,
    "subgroup" TEXT,
    "status" "ValidationCaseStatus" NOT NULL DEFAULT 'PENDING',
    "probability" DOUBLE PRECISION,
    "reason" TEXT,
    "ms" DOUBLE PRECISION,

    CONSTRAINT "ModelValidationCase_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "ModelDriftAlert" (
    "id" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "message" TEXT NOT NULL,
    "value" DOUBLE PRECISION NOT NULL,
    "limit" DOUBLE PRECISION NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "seenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),

    CONSTRAINT "ModelDriftAlert_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "ModelDriftAlert_modelId_modelVersion_kind_closedAt_idx" ON "ModelDriftAlert"("modelId", "modelVersion", "kind", "closedAt");

CREATE INDEX "ModelDriftAlert_openedAt_idx" ON "ModelDriftAlert"("openedAt");

CREATE INDEX "ModelValidation_modelId_modelVersion_createdAt_idx" ON "ModelValidation"("modelId", "modelVersion", "createdAt");

CREATE INDEX "ModelValidationCase_validationId_status_idx" ON "ModelValidationCase"("validationId", "status");

CREATE UNIQUE INDEX "ModelValidationCase_validationId_line_key" ON "ModelValidationCase"("validationId", "line");

ALTER TABLE "ModelValidationCase" ADD CONSTRAINT "ModelValidationCase_validationId_fkey" FOREIGN KEY ("validationId") REFERENCES "ModelValidation"("id") ON DELETE CASCADE ON UPDATE CASCADE;
