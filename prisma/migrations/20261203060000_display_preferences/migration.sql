-- Per-user display preferences (theme, row density), kept across sessions and reading stations.
ALTER TABLE "User" ADD COLUMN "displayPreferences" JSONB;
