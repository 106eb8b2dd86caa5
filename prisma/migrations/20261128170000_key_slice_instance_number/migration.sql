-- The most suspicious slice's InstanceNumber, so the study panel can say "image N" as the viewer does.
ALTER TABLE "AiResult" ADD COLUMN "keySliceInstanceNumber" INTEGER;
