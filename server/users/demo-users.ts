import type { Db } from "../db/client";
import type { RoleName } from "@/lib/roles";
import { createUser } from "./users";

/** Demo-only accounts, one per role. The password is public: never use these outside a demo. */
export const DEMO_PASSWORD = "readnext-demo";

export const DEMO_USERS: { name: string; email: string; roles: RoleName[] }[] = [
  { name: "Dr. Rita Rad", email: "radiologist@readnext.local", roles: ["radiologist"] },
  { name: "Dr. Carl Chair", email: "chair@readnext.local", roles: ["chair"] },
  { name: "Sam Scheduler", email: "scheduler@readnext.local", roles: ["scheduler"] },
  { name: "Ada Admin", email: "admin@readnext.local", roles: ["admin"] },
];

/** Creates the demo accounts that do not exist yet; leaves existing ones (and their passwords) alone. */
export async function seedDemoUsers(database: Db): Promise<{ created: string[]; existing: string[] }> {
  const created: string[] = [];
  const existing: string[] = [];
  for (const user of DEMO_USERS) {
    if (await database.user.findUnique({ where: { email: user.email }, select: { id: true } })) {
      existing.push(user.email);
      continue;
    }
    await createUser(database, null, { ...user, password: DEMO_PASSWORD });
    created.push(user.email);
  }
  return { created, existing };
}

export function describeDemoUsers(): string {
  const width = Math.max(...DEMO_USERS.map((u) => u.email.length));
  return [
    `Demo accounts (demo only; password for all: ${DEMO_PASSWORD}):`,
    ...DEMO_USERS.map((u) => `  ${u.email.padEnd(width)}  ${u.roles.join(", ")}`),
  ].join("\n");
}
