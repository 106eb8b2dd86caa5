-- Running totals for /metrics, so a scrape reads a few rows instead of every AiResult.
CREATE TABLE "AiResultTotal" (
    "modelId" TEXT NOT NULL,
    "modelVersion" TEXT NOT NULL,
    "status" "AiResultStatus" NOT NULL,
    "results" INTEGER NOT NULL DEFAULT 0,
    "totalMs" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "fetchMs" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "decodeMs" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "inferenceMs" DOUBLE PRECISION NOT NULL DEFAULT 0,

    CONSTRAINT "AiResultTotal_pkey" PRIMARY KEY ("modelId", "modelVersion", "status")
);

-- The results stored so far.
INSERT INTO "AiResultTotal" ("modelId", "modelVersion", "status", "results", "totalMs", "fetchMs", "decodeMs", "inferenceMs")
SELECT "modelId", "modelVersion", "status", count(*),
       coalesce(sum(("timings"->>'totalMs')::float), 0), coalesce(sum(("timings"->>'fetchMs')::float), 0),
       coalesce(sum(("timings"->>'decodeMs')::float), 0), coalesce(sum(("timings"->>'inferenceMs')::float), 0)
FROM "AiResult" GROUP BY 1, 2, 3;
