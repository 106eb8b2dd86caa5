/** Roles and what each may see. Pure: shared by server guards and the header. */
export const ROLES = ["radiologist", "chair", "scheduler", "admin"] as const;
export type RoleName = (typeof ROLES)[number];

export const ROLE_LABELS: Record<RoleName, string> = {
  radiologist: "Radiologist",
  chair: "Department chair",
  scheduler: "Scheduler",
  admin: "Administrator",
};

export type Section = { href: string; label: string; roles: readonly RoleName[] };

/** The app's sections, in header order, with the roles that may open each. */
export const SECTIONS: readonly Section[] = [
  { href: "/worklist", label: "Worklist", roles: ["radiologist"] },
  { href: "/throughput", label: "Throughput", roles: ["chair"] },
  { href: "/what-if", label: "What-if", roles: ["chair"] },
  { href: "/backlog", label: "Backlog", roles: ["scheduler"] },
  { href: "/admin", label: "Admin", roles: ["admin"] },
  { href: "/models", label: "AI models", roles: ["admin", "chair"] },
  { href: "/audit", label: "Audit", roles: ["admin", "chair"] },
];

export function hasAnyRole(userRoles: readonly string[], allowed: readonly RoleName[]): boolean {
  return allowed.some((r) => userRoles.includes(r));
}

export function sectionsFor(userRoles: readonly string[]): Section[] {
  return SECTIONS.filter((s) => hasAnyRole(userRoles, s.roles));
}

/** Where a user lands after sign-in: their first section, or a page saying they have no role yet. */
export function homeFor(userRoles: readonly string[]): string {
  return sectionsFor(userRoles)[0]?.href ?? "/no-access";
}
