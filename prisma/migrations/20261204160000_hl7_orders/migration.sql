-- HL7 v2 order intake: orders from the RIS (matched to studies by accession), cancelled studies,
-- and every message received, so a repeat changes nothing and a refused one stays visible.
ALTER TYPE "ReadingState" ADD VALUE 'CANCELLED';

CREATE TYPE "OrderStatus" AS ENUM ('SCHEDULED', 'IN_PROGRESS', 'COMPLETED', 'CANCELLED');

CREATE TYPE "Hl7Outcome" AS ENUM ('ACCEPTED', 'IGNORED', 'REJECTED');

ALTER TABLE "Study" ADD COLUMN     "cancelReason" TEXT,
ADD COLUMN     "cancelledAt" TIMESTAMP(3),
ADD COLUMN     "orderingProvider" TEXT,
ADD COLUMN     "procedureCode" TEXT,
ADD COLUMN     "reasonForExam" TEXT;

CREATE TABLE "ImagingOrder" (
    "id" TEXT NOT NULL,
    "accessionNumber" TEXT NOT NULL,
    "placerOrderNumber" TEXT,
    "fillerOrderNumber" TEXT,
    "patientId" TEXT,
    "patientName" TEXT,
    "orderPriority" "OrderPriority",
    "orderPriorityRaw" TEXT,
    "patientClass" TEXT,
    "patientLocation" "PatientLocation",
    "patientLocationRaw" TEXT,
    "orderingProvider" TEXT,
    "reasonForExam" TEXT,
    "procedureCode" TEXT,
    "procedureDescription" TEXT,
    "status" "OrderStatus" NOT NULL DEFAULT 'SCHEDULED',
    "statusReason" TEXT,
    "lastControlId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ImagingOrder_pkey" PRIMARY KEY ("id")
);

CREATE TABLE "Hl7Message" (
    "id" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "remoteAddress" TEXT,
    "messageType" TEXT,
    "controlId" TEXT,
    "sendingApplication" TEXT,
    "sendingFacility" TEXT,
    "accessionNumber" TEXT,
    "outcome" "Hl7Outcome" NOT NULL,
    "ackCode" TEXT,
    "detail" TEXT NOT NULL,
    "contentHash" TEXT,
    "text" TEXT NOT NULL,

    CONSTRAINT "Hl7Message_pkey" PRIMARY KEY ("id")
);

CREATE UNIQUE INDEX "ImagingOrder_accessionNumber_key" ON "ImagingOrder"("accessionNumber");

CREATE INDEX "ImagingOrder_patientId_idx" ON "ImagingOrder"("patientId");

CREATE UNIQUE INDEX "Hl7Message_contentHash_key" ON "Hl7Message"("contentHash");

CREATE INDEX "Hl7Message_outcome_receivedAt_idx" ON "Hl7Message"("outcome", "receivedAt");

CREATE INDEX "Hl7Message_receivedAt_idx" ON "Hl7Message"("receivedAt");
