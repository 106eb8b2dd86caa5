/** "CT HEAD WO CONTRAST", not "CT CT HEAD WO CONTRAST": most study descriptions start with the modality already. */
export function studyTitle(modalities: string[], description: string | null): string {
  const modality = modalities.join("/");
  if (!description) return modality || "—";
  if (!modality || description.toUpperCase().startsWith(`${modality.toUpperCase()} `)) return description;
  return `${modality} ${description}`;
}
