import { createHash } from "node:crypto";

/**
 * A DICOM UID under 2.25 (PS3.5 B.2) derived from a name: the same name always gives the same UID,
 * so a retried send stores the same instance, and ReadNext can recognise the series it wrote.
 */
export function uidFromName(name: string): string {
  const hex = createHash("sha256").update(name).digest("hex").slice(0, 32);
  return `2.25.${BigInt(`0x${hex}`).toString()}`;
}

/** The one series per study that holds ReadNext's AI result SRs. */
export const srSeriesUid = (studyInstanceUid: string) =>
  uidFromName(`readnext ai-result sr series\n${studyInstanceUid}`);
export const srInstanceUid = (aiResultId: string) => uidFromName(`readnext ai-result sr instance\n${aiResultId}`);
export const srTrackingUid = (aiResultId: string) => uidFromName(`readnext ai-result tracking\n${aiResultId}`);
export const deviceUid = (modelId: string, modelVersion: string) =>
  uidFromName(`readnext model\n${modelId}\n${modelVersion}`);
