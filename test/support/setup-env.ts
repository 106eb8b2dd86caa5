import { inject } from "vitest";

// Every test file talks to the fresh database made by global-setup.ts.
process.env.DATABASE_URL = inject("databaseUrl");
process.env.BETTER_AUTH_SECRET = "test-secret-test-secret-test-secret-0123";
process.env.BETTER_AUTH_URL = "http://localhost:3000";
process.env.SECRETS_KEY = "test-secrets-key-test-secrets-key-0123456";
