-- The due time in force when a study is read (dueAt is cleared then), for "read by due time".
ALTER TABLE "Study" ADD COLUMN "dueAtWhenRead" TIMESTAMP(3);
