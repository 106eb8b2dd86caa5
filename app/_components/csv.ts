import { toCsv } from "@/lib/csv";

/** Saves rows as a CSV file in the browser. */
export function downloadCsv(name: string, rows: string[][]) {
  const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: "text/csv" }));
  const a = Object.assign(document.createElement("a"), { href: url, download: name });
  a.click();
  URL.revokeObjectURL(url);
}
