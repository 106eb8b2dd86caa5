"use client";
import { createAuthClient } from "better-auth/react";

/** Browser side of Better Auth; talks to app/api/auth on the same origin. */
export const authClient = createAuthClient();
