import { z } from "zod";
import { parse } from "csv-parse/sync";

/**
 * Work RVUs per study, for balancing push assignment and for the chair's figures. A row
 * matches on modality and, if given, body part; the most specific matching row wins, then
 * the table's default.
 */
export const rvuRowSchema = z.object({
  modality: z
    .string()
    .trim()
    .min(1)
    .max(16)
    .transform((v) => v.toUpperCase()),
  bodyPart: z
    .string()
    .trim()
    .max(64)
    .transform((v) => (v ? v.toUpperCase() : null))
    .nullable()
    .default(null),
  rvu: z.number().min(0).max(100),
  /** What the row stands for, e.g. the CPT code and its name. */
  note: z.string().trim().max(120).default(""),
});
/** "CT HEAD", "CT (any body part)": a row's key, for saying which rows repeat. */
export const rvuRowKey = (r: { modality: string; bodyPart: string | null }) =>
  `${r.modality} ${r.bodyPart ?? "(any body part)"}`;

export const rvuTableSchema = z.object({
  defaultRvu: z.number().min(0).max(100),
  rows: z
    .array(rvuRowSchema)
    .max(2000)
    .superRefine((rows, ctx) => {
      // A second row for the same modality and body part would never be used.
      const seen = new Set<string>();
      rows.forEach((r, i) => {
        const key = rvuRowKey(r);
        if (seen.has(key)) ctx.addIssue({ code: "custom", path: [i], message: `${key} is listed twice` });
        seen.add(key);
      });
    }),
});
export type RvuTable = z.infer<typeof rvuTableSchema>;

/**
 * A starter table of work RVUs for common studies, from the CMS Medicare physician fee
 * schedule's professional (-26) work RVUs as we read them for 2024. A site should replace
 * these with its own figures (CSV import on the admin page).
 */
export const STARTER_RVU_TABLE: RvuTable = {
  defaultRvu: 0.5,
  rows: [
    { modality: "CT", bodyPart: "HEAD", rvu: 0.85, note: "70450 CT head/brain without contrast" },
    { modality: "CT", bodyPart: "CHEST", rvu: 1.16, note: "71260 CT thorax with contrast" },
    { modality: "CT", bodyPart: "ABDOMEN", rvu: 1.82, note: "74177 CT abdomen and pelvis with contrast" },
    { modality: "CT", bodyPart: "CSPINE", rvu: 1.07, note: "72125 CT cervical spine without contrast" },
    { modality: "CT", bodyPart: null, rvu: 1.0, note: "other CT" },
    { modality: "MR", bodyPart: "HEAD", rvu: 1.48, note: "70551 MRI brain without contrast" },
    { modality: "MR", bodyPart: "KNEE", rvu: 1.35, note: "73721 MRI lower-extremity joint without contrast" },
    { modality: "MR", bodyPart: null, rvu: 1.4, note: "other MR" },
    { modality: "CR", bodyPart: "CHEST", rvu: 0.22, note: "71046 chest radiograph, 2 views" },
    { modality: "DX", bodyPart: "CHEST", rvu: 0.22, note: "71046 chest radiograph, 2 views" },
    { modality: "CR", bodyPart: null, rvu: 0.2, note: "other radiograph" },
    { modality: "DX", bodyPart: null, rvu: 0.2, note: "other radiograph" },
    { modality: "US", bodyPart: "ABDOMEN", rvu: 0.81, note: "76700 ultrasound abdomen, complete" },
    { modality: "US", bodyPart: null, rvu: 0.6, note: "other ultrasound" },
    { modality: "MG", bodyPart: null, rvu: 0.76, note: "77067 screening mammography, bilateral" },
    { modality: "NM", bodyPart: null, rvu: 1.0, note: "nuclear medicine" },
    { modality: "PT", bodyPart: null, rvu: 1.9, note: "78815 PET/CT skull base to mid-thigh" },
  ],
};

/** The study's work RVUs: the row matching modality and body part, else modality alone, else the default. */
export function workRvu(table: RvuTable, study: { modalities: string[]; bodyPart: string | null }): number {
  const part = study.bodyPart?.toUpperCase() ?? null;
  let best: number | null = null;
  for (const m of study.modalities.map((x) => x.toUpperCase())) {
    const exact = table.rows.find((r) => r.modality === m && r.bodyPart !== null && r.bodyPart === part);
    if (exact) return exact.rvu;
    const any = table.rows.find((r) => r.modality === m && r.bodyPart === null);
    if (any && best === null) best = any.rvu;
  }
  return best ?? table.defaultRvu;
}

/**
 * Reads an RVU table from CSV with a header row `modality,body_part,rvu[,note]` (body part may
 * be empty). Every bad line is reported with its line number; nothing is returned unless all
 * lines are good.
 */
export function parseRvuCsv(text: string): { ok: true; rows: RvuTable["rows"] } | { ok: false; errors: string[] } {
  let records: Record<string, string>[];
  let header: string[] = [];
  try {
    records = parse(text, {
      columns: (h: string[]) => (header = h.map((x) => x.trim().toLowerCase())),
      skip_empty_lines: true,
      trim: true,
      // A row may leave out the trailing note.
      relax_column_count: true,
    });
  } catch (e) {
    return { ok: false, errors: [`not readable as CSV: ${(e as Error).message}`] };
  }
  if (!header.includes("modality") || !header.includes("rvu"))
    return { ok: false, errors: ["the first line must name the columns: modality,body_part,rvu,note"] };
  if (records.length === 0) return { ok: false, errors: ["the file has no rows under its header"] };
  const errors: string[] = [];
  const rows: RvuTable["rows"] = [];
  const lineOf = new Map<string, number>();
  records.forEach((r, i) => {
    const rvu = Number(r.rvu);
    if (r.rvu === "" || r.rvu === undefined || Number.isNaN(rvu)) {
      errors.push(`line ${i + 2}: rvu "${r.rvu ?? ""}" is not a number`);
      return;
    }
    const parsed = rvuRowSchema.safeParse({
      modality: r.modality ?? "",
      bodyPart: r.body_part ?? null,
      rvu,
      note: r.note ?? "",
    });
    if (parsed.success) {
      const key = rvuRowKey(parsed.data);
      const earlier = lineOf.get(key);
      if (earlier !== undefined) errors.push(`line ${i + 2}: ${key} is already on line ${earlier}`);
      else {
        lineOf.set(key, i + 2);
        rows.push(parsed.data);
      }
    } else
      errors.push(
        `line ${i + 2}: ${parsed.error.issues.map((x) => `${x.path.join(".") || "row"} ${x.message}`).join("; ")}`,
      );
  });
  return errors.length ? { ok: false, errors } : { ok: true, rows };
}
