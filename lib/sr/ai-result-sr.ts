// An AI result as a DICOM Comprehensive SR in the shape of TID 1500 (Measurement Report), as IHE
// AI Results asks: the finding as a coded concept, its probability, the algorithm's name and
// version, "for worklist prioritisation, not a diagnosis", and a reference to the key image.
// Pure: the caller gives the UIDs and the time; server/results/ sends it.
import type { Dataset } from "../dicom/part10";

export const COMPREHENSIVE_SR = "1.2.840.10008.5.1.4.1.1.88.33";
export const SR_SERIES_DESCRIPTION = "ReadNext AI results (worklist prioritisation)";
export const SR_SERIES_NUMBER = 9901;
export const NOT_A_DIAGNOSIS = "For worklist prioritisation only; not a diagnosis.";
/** ReadNext's own coding scheme (DICOM PS3.16 private scheme designator form) for concepts no standard names. */
export const READNEXT_SCHEME = "99RDNXT";

export type Code = { value: string; scheme: string; meaning: string };

/** Findings the shipped models report, as SNOMED CT names them; others keep the model's own code. */
const FINDINGS: Record<string, Code> = {
  "intracranial-bleed": { value: "1386000", scheme: "SCT", meaning: "Intracranial hemorrhage" },
  pneumothorax: { value: "36118008", scheme: "SCT", meaning: "Pneumothorax" },
};

export function findingConcept(findingCode: string, displayName: string): Code {
  return FINDINGS[findingCode] ?? { value: findingCode.slice(0, 16), scheme: READNEXT_SCHEME, meaning: displayName };
}

const code = (c: Code) => ({
  CodeValue: c.value,
  CodingSchemeDesignator: c.scheme,
  CodeMeaning: c.meaning.slice(0, 64),
});
const DCM = (value: string, meaning: string): Code => ({ value, scheme: "DCM", meaning });

function item(relationship: string, valueType: string, concept: Code, value: Dataset = {}): Dataset {
  return { RelationshipType: relationship, ValueType: valueType, ConceptNameCodeSequence: [code(concept)], ...value };
}

/** Patient and study attributes an SR carries over unchanged from the images it describes (PS3.3 C.7.1.1, C.7.2.1). */
export const PATIENT_STUDY_KEYWORDS = [
  "PatientName",
  "PatientID",
  "IssuerOfPatientID",
  "PatientBirthDate",
  "PatientSex",
  "StudyInstanceUID",
  "StudyDate",
  "StudyTime",
  "AccessionNumber",
  "StudyID",
  "ReferringPhysicianName",
] as const;

/** Of those, the ones the SR must carry even when empty (Type 2); the rest are left out when unknown. */
const TYPE_2_KEYWORDS = PATIENT_STUDY_KEYWORDS.filter((k) => k !== "IssuerOfPatientID" && k !== "StudyInstanceUID");

export type AiResultSrInput = {
  /** The key image (or another image of the study) as read from the PACS: the SR copies its patient and study. */
  image: Dataset;
  result: {
    id: string;
    findingCode: string;
    findingName: string;
    probability: number;
    critical: boolean;
    modelId: string;
    modelVersion: string;
  };
  /** The image the model found most suspicious, when the PACS still has it. */
  keyImage: { seriesInstanceUid: string; sopClassUid: string; sopInstanceUid: string } | null;
  uids: { series: string; instance: string; trackingUid: string; deviceUid: string };
  instanceNumber: number;
  /** When the SR is made: its content date and time (YYYYMMDD, HHMMSS). */
  at: { date: string; time: string };
};

/** The SR as a naturalised dataset (dcmjs keywords), ready for writePart10. */
export function aiResultSrDataset(input: AiResultSrInput): Dataset {
  const { image, result, keyImage, uids, at } = input;
  const studyInstanceUid = String(image.StudyInstanceUID);
  const algorithm = `ReadNext ${result.modelId}`;
  const group: Dataset[] = [
    item("HAS OBS CONTEXT", "TEXT", DCM("112039", "Tracking Identifier"), {
      TextValue: `ReadNext AI result ${result.id}`.slice(0, 64),
    }),
    item("HAS OBS CONTEXT", "UIDREF", DCM("112040", "Tracking Unique Identifier"), { UID: uids.trackingUid }),
    item("CONTAINS", "CODE", DCM("121071", "Finding"), {
      ConceptCodeSequence: [code(findingConcept(result.findingCode, result.findingName))],
    }),
    item(
      "CONTAINS",
      "NUM",
      { value: "probability", scheme: READNEXT_SCHEME, meaning: "AI probability of finding" },
      {
        MeasuredValueSequence: [
          {
            NumericValue: Number(result.probability.toFixed(4)),
            MeasurementUnitsCodeSequence: [code({ value: "1", scheme: "UCUM", meaning: "no units" })],
          },
        ],
      },
    ),
    item(
      "CONTAINS",
      "CODE",
      { value: "priority", scheme: READNEXT_SCHEME, meaning: "Worklist priority flag" },
      {
        ConceptCodeSequence: [
          code(
            result.critical
              ? { value: "critical", scheme: READNEXT_SCHEME, meaning: "Critical: read first" }
              : { value: "not-critical", scheme: READNEXT_SCHEME, meaning: "Not flagged critical" },
          ),
        ],
      },
    ),
    item("HAS CONCEPT MOD", "TEXT", DCM("111001", "Algorithm Name"), { TextValue: algorithm }),
    item("HAS CONCEPT MOD", "TEXT", DCM("111003", "Algorithm Version"), { TextValue: result.modelVersion }),
    item("CONTAINS", "TEXT", DCM("121106", "Comment"), { TextValue: NOT_A_DIAGNOSIS }),
    ...(keyImage
      ? [
          item("CONTAINS", "IMAGE", DCM("121112", "Source of Measurement"), {
            ReferencedSOPSequence: [
              { ReferencedSOPClassUID: keyImage.sopClassUid, ReferencedSOPInstanceUID: keyImage.sopInstanceUid },
            ],
          }),
        ]
      : []),
  ];
  const content: Dataset[] = [
    item("HAS CONCEPT MOD", "CODE", DCM("121049", "Language of Content Item and Descendants"), {
      ConceptCodeSequence: [code({ value: "en-US", scheme: "RFC5646", meaning: "English (United States)" })],
    }),
    item("HAS OBS CONTEXT", "CODE", DCM("121005", "Observer Type"), {
      ConceptCodeSequence: [code(DCM("121007", "Device"))],
    }),
    item("HAS OBS CONTEXT", "UIDREF", DCM("121012", "Device Observer UID"), { UID: uids.deviceUid }),
    item("HAS OBS CONTEXT", "TEXT", DCM("121013", "Device Observer Name"), { TextValue: algorithm }),
    item("HAS CONCEPT MOD", "CODE", DCM("121058", "Procedure reported"), {
      ConceptCodeSequence: [code({ value: "363679005", scheme: "SCT", meaning: "Imaging procedure" })],
    }),
    item("CONTAINS", "CONTAINER", DCM("126010", "Imaging Measurements"), {
      ContinuityOfContent: "SEPARATE",
      ContentSequence: [
        item("CONTAINS", "CONTAINER", DCM("125007", "Measurement Group"), {
          ContinuityOfContent: "SEPARATE",
          ContentSequence: group,
        }),
      ],
    }),
  ];
  const evidence = keyImage
    ? [
        {
          StudyInstanceUID: studyInstanceUid,
          ReferencedSeriesSequence: [
            {
              SeriesInstanceUID: keyImage.seriesInstanceUid,
              ReferencedSOPSequence: [
                { ReferencedSOPClassUID: keyImage.sopClassUid, ReferencedSOPInstanceUID: keyImage.sopInstanceUid },
              ],
            },
          ],
        },
      ]
    : [];
  return {
    SOPClassUID: COMPREHENSIVE_SR,
    SOPInstanceUID: uids.instance,
    Modality: "SR",
    Manufacturer: "ReadNext",
    SeriesDescription: SR_SERIES_DESCRIPTION,
    SeriesInstanceUID: uids.series,
    SeriesNumber: SR_SERIES_NUMBER,
    InstanceNumber: input.instanceNumber,
    // Type 2 attributes are present even when the images leave them out (empty), as the SR IOD requires.
    ...Object.fromEntries(TYPE_2_KEYWORDS.map((k) => [k, ""])),
    ...Object.fromEntries(PATIENT_STUDY_KEYWORDS.filter((k) => image[k] !== undefined).map((k) => [k, image[k]])),
    StudyInstanceUID: studyInstanceUid,
    ContentDate: at.date,
    ContentTime: at.time,
    InstanceCreationDate: at.date,
    InstanceCreationTime: at.time,
    CompletionFlag: "COMPLETE",
    VerificationFlag: "UNVERIFIED",
    ValueType: "CONTAINER",
    ConceptNameCodeSequence: [code(DCM("126000", "Imaging Measurement Report"))],
    ContinuityOfContent: "SEPARATE",
    ContentTemplateSequence: [{ MappingResource: "DCMR", TemplateIdentifier: "1500" }],
    ...(evidence.length ? { CurrentRequestedProcedureEvidenceSequence: evidence } : {}),
    PerformedProcedureCodeSequence: [],
    ReferencedPerformedProcedureStepSequence: [],
    ContentSequence: content,
  };
}
