import type { Db } from "../db/client";
import type { AuditSearch } from "@/lib/audit-search";
import { toCsv } from "@/lib/csv";
import { recordAudit } from "../core/audit";
import { searchAuditEvents, type AuditRow } from "./audit-search";

/** More than a year of a busy department's views; narrow the search for more. */
export const AUDIT_EXPORT_MAX_ROWS = 200_000;
const PAGE = 5000;

const HEADER = [
  "at (UTC)",
  "person",
  "email",
  "action",
  "accession",
  "StudyInstanceUID",
  "ip",
  "user agent",
  "details",
];

function csvRow(r: AuditRow): string[] {
  const { ip, userAgent, ...rest } = (r.details ?? {}) as Record<string, unknown>;
  return [
    r.at.toISOString(),
    r.actorName ?? "system",
    r.actorEmail ?? "",
    r.action,
    r.accessionNumber ?? "",
    r.studyInstanceUid ?? "",
    typeof ip === "string" ? ip : "",
    typeof userAgent === "string" ? userAgent : "",
    Object.keys(rest).length ? JSON.stringify(rest) : "",
  ];
}

/** Every matching event, newest first, as CSV; records who exported what (an audit of the audit). */
export async function exportAuditCsv(db: Db, actorId: string, search: AuditSearch): Promise<string> {
  const rows: string[][] = [HEADER];
  let before: { at: Date; id: string } | undefined;
  for (;;) {
    const page = await searchAuditEvents(db, search, { limit: PAGE, ...(before ? { before } : {}) });
    rows.push(...page.rows.map(csvRow));
    const last = page.rows.at(-1);
    if (!page.more || !last || rows.length - 1 >= AUDIT_EXPORT_MAX_ROWS) break;
    before = { at: last.at, id: last.id };
  }
  const exported = Math.min(rows.length - 1, AUDIT_EXPORT_MAX_ROWS);
  await recordAudit(db, { actorId, action: "audit.export", details: { search, rows: exported } });
  return toCsv(rows.slice(0, exported + 1));
}
