/**
 * A DICOM person name (PS3.5 6.2, "Family^Given^Middle^Prefix^Suffix", with "=" before
 * ideographic and phonetic forms) as people read it: "DOE, John Q", "Dr DOE, John Jr".
 * Only the alphabetic form is shown; an empty name gives null.
 */
export function formatPersonName(pn: string | null | undefined): string | null {
  const alphabetic = (pn ?? "").split("=")[0] ?? "";
  const [family = "", given = "", middle = "", prefix = "", suffix = ""] = alphabetic
    .split("^")
    .map((part) => part.trim());
  const first = [given, middle].filter(Boolean).join(" ");
  const name = [family, first].filter(Boolean).join(", ");
  const full = [prefix, name, suffix].filter(Boolean).join(" ");
  return full || null;
}
