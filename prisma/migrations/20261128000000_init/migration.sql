-- CreateEnum
CREATE TYPE "Role" AS ENUM ('radiologist', 'chair', 'scheduler', 'admin');

-- CreateEnum
CREATE TYPE "OrderPriority" AS ENUM ('STAT', 'HIGH', 'MEDIUM', 'ROUTINE', 'LOW');

-- CreateEnum
CREATE TYPE "PatientLocation" AS ENUM ('ED', 'INPATIENT', 'OUTPATIENT', 'UNKNOWN');

-- CreateEnum
CREATE TYPE "ReadingState" AS ENUM ('UNREAD', 'CLAIMED', 'READ');

-- CreateEnum
CREATE TYPE "PacsAuthType" AS ENUM ('none', 'basic', 'bearer');

-- CreateEnum
CREATE TYPE "AiResultStatus" AS ENUM ('SCORED', 'NOT_APPLICABLE', 'FAILED');

-- CreateTable
CREATE TABLE "PacsSource" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "baseUrl" TEXT NOT NULL,
    "qidoRoot" TEXT,
    "wadoRoot" TEXT,
    "stowRoot" TEXT,
    "authType" "PacsAuthType" NOT NULL DEFAULT 'none',
    "username" TEXT,
    "secret" TEXT,
    "timeoutMs" INTEGER NOT NULL DEFAULT 30000,
    "capabilities" JSONB NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "lastSuccessAt" TIMESTAMP(3),
    "lastErrorAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PacsSource_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Study" (
    "id" TEXT NOT NULL,
    "sourceId" TEXT NOT NULL,
    "studyInstanceUid" TEXT NOT NULL,
    "accessionNumber" TEXT,
    "patientId" TEXT,
    "patientName" TEXT,
    "patientSex" TEXT,
    "patientBirthDate" DATE,
    "studyDateTime" TIMESTAMP(3),
    "description" TEXT,
    "modalities" TEXT[],
    "bodyPart" TEXT,
    "referringPhysician" TEXT,
    "numberOfSeries" INTEGER NOT NULL DEFAULT 0,
    "numberOfInstances" INTEGER NOT NULL DEFAULT 0,
    "orderPriority" "OrderPriority",
    "patientLocation" "PatientLocation" NOT NULL DEFAULT 'UNKNOWN',
    "revision" INTEGER NOT NULL DEFAULT 1,
    "readingState" "ReadingState" NOT NULL DEFAULT 'UNREAD',
    "claimedById" TEXT,
    "claimedAt" TIMESTAMP(3),
    "readById" TEXT,
    "readAt" TIMESTAMP(3),
    "firstSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "scoredAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Study_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Series" (
    "id" TEXT NOT NULL,
    "studyId" TEXT NOT NULL,
    "seriesInstanceUid" TEXT NOT NULL,
    "modality" TEXT,
    "bodyPart" TEXT,
    "description" TEXT,
    "seriesNumber" INTEGER,
    "numberOfInstances" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Series_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AiResult" (
    "id" TEXT NOT NULL,
    "studyId" TEXT NOT NULL,
    "modelId" TEXT NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "studyRevision" INTEGER NOT NULL,
    "status" "AiResultStatus" NOT NULL,
    "seriesInstanceUid" TEXT,
    "probability" DOUBLE PRECISION,
    "finding" TEXT,
    "critical" BOOLEAN NOT NULL DEFAULT false,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "keySliceIndex" INTEGER,
    "keySliceProbability" DOUBLE PRECISION,
    "reason" TEXT,
    "timings" JSONB,
    "preview" BYTEA,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AiResult_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "emailVerified" BOOLEAN NOT NULL DEFAULT false,
    "image" TEXT,
    "roles" "Role"[] DEFAULT ARRAY[]::"Role"[],
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "token" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "ipAddress" TEXT,
    "userAgent" TEXT,
    "userId" TEXT NOT NULL,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "providerId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accessToken" TEXT,
    "refreshToken" TEXT,
    "idToken" TEXT,
    "accessTokenExpiresAt" TIMESTAMP(3),
    "refreshTokenExpiresAt" TIMESTAMP(3),
    "scope" TEXT,
    "password" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Verification" (
    "id" TEXT NOT NULL,
    "identifier" TEXT NOT NULL,
    "value" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Verification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "action" TEXT NOT NULL,
    "studyId" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PacsSource_name_key" ON "PacsSource"("name");

-- CreateIndex
CREATE INDEX "Study_readingState_firstSeenAt_idx" ON "Study"("readingState", "firstSeenAt");

-- CreateIndex
CREATE INDEX "Study_accessionNumber_idx" ON "Study"("accessionNumber");

-- CreateIndex
CREATE INDEX "Study_claimedById_idx" ON "Study"("claimedById");

-- CreateIndex
CREATE INDEX "Study_readAt_idx" ON "Study"("readAt");

-- CreateIndex
CREATE UNIQUE INDEX "Study_sourceId_studyInstanceUid_key" ON "Study"("sourceId", "studyInstanceUid");

-- CreateIndex
CREATE UNIQUE INDEX "Series_studyId_seriesInstanceUid_key" ON "Series"("studyId", "seriesInstanceUid");

-- CreateIndex
CREATE INDEX "AiResult_critical_createdAt_idx" ON "AiResult"("critical", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AiResult_studyId_modelId_modelVersion_studyRevision_key" ON "AiResult"("studyId", "modelId", "modelVersion", "studyRevision");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "Session_token_key" ON "Session"("token");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Account_userId_idx" ON "Account"("userId");

-- CreateIndex
CREATE INDEX "Verification_identifier_idx" ON "Verification"("identifier");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_studyId_at_idx" ON "AuditEvent"("studyId", "at");

-- CreateIndex
CREATE INDEX "AuditEvent_actorId_at_idx" ON "AuditEvent"("actorId", "at");

-- AddForeignKey
ALTER TABLE "Study" ADD CONSTRAINT "Study_sourceId_fkey" FOREIGN KEY ("sourceId") REFERENCES "PacsSource"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Study" ADD CONSTRAINT "Study_claimedById_fkey" FOREIGN KEY ("claimedById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Study" ADD CONSTRAINT "Study_readById_fkey" FOREIGN KEY ("readById") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Series" ADD CONSTRAINT "Series_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "Study"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AiResult" ADD CONSTRAINT "AiResult_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "Study"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_actorId_fkey" FOREIGN KEY ("actorId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_studyId_fkey" FOREIGN KEY ("studyId") REFERENCES "Study"("id") ON DELETE SET NULL ON UPDATE CASCADE;
