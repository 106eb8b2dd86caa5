-- Series facts from the QIDO series listing, so a model's series rules (and its preferred
-- slice thickness) can choose among a study's series before any image is fetched.
ALTER TABLE "Series" ADD COLUMN "sliceThicknessMm" DOUBLE PRECISION,
                     ADD COLUMN "imageType" TEXT[];
-- Listed before this column existed: unknown, as Prisma reads an empty list.
UPDATE "Series" SET "imageType" = ARRAY[]::TEXT[];
