import next from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// The layers (docs/ARCHITECTURE.md): app/ renders, server/ owns I/O, lib/ is pure.
const SERVER_OR_APP = ["@/server", "@/server/**", "@/app", "@/app/**", "**/server/**", "**/app/**"];
const PRISMA = ["@prisma/*", "@/server/db/generated", "@/server/db/generated/**", "**/db/generated/**"];

const config = [
  ...next,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": [
        "warn",
        { argsIgnorePattern: "^_", varsIgnorePattern: "^_", ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ["app/**", "server/**", "lib/**"],
    rules: { "import/no-cycle": ["error", { ignoreExternal: true }] },
  },
  {
    files: ["lib/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: SERVER_OR_APP,
              message: "lib/ is pure: it imports neither server/ nor app/ (docs/ARCHITECTURE.md).",
            },
            {
              group: [...PRISMA, "pg", "node:fs", "fs", "node:child_process", "child_process", "node:net", "net"],
              message: "lib/ is pure: no database, files, processes or network.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["app/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [...PRISMA, "pg"],
              message:
                "app/ renders: it reaches the database through server/ services, never a Prisma client or pg directly.",
            },
          ],
        },
      ],
    },
  },
  {
    ignores: [
      ".next/**",
      ".data/**",
      "node_modules/**",
      "server/db/generated/**",
      "next-env.d.ts",
      "test-results/**",
      "playwright-report/**",
      ".stryker-tmp/**",
      ".stryker-tmp-server/**",
      "reports/**",
    ],
  },
];

export default config;
