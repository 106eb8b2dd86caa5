import { db } from "@/server/db/client";
import { userWithRole } from "@/server/api/http-guards";
import { exportAuditCsv } from "@/server/audit/audit-export";
import { auditSearchSchema } from "@/lib/audit-search";

export const dynamic = "force-dynamic";

/** Every event the audit page's search matches, as CSV (up to AUDIT_EXPORT_MAX_ROWS); the export is itself audited. */
export async function GET(request: Request) {
  const allowed = await userWithRole(db(), request, ["admin", "chair"]);
  if ("response" in allowed) return allowed.response;
  const parsed = auditSearchSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success)
    return new Response(`${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}\n`, {
      status: 400,
    });
  const csv = await exportAuditCsv(db(), allowed.user.id, parsed.data);
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="readnext-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      "Cache-Control": "no-store",
    },
  });
}
