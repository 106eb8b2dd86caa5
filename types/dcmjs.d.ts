// Minimal typings for the parts of dcmjs ReadNext uses (the package ships none).
declare module "dcmjs" {
  type DenaturalizedDataset = Record<
    string,
    { vr: string; Value?: unknown[]; InlineBinary?: string; BulkDataURI?: string }
  >;
  class DicomDict {
    constructor(meta: DenaturalizedDataset);
    meta: DenaturalizedDataset;
    dict: DenaturalizedDataset;
    write(options?: Record<string, unknown>): ArrayBuffer;
  }
  const dcmjs: {
    data: {
      DicomDict: typeof DicomDict;
      DicomMessage: { readFile(buffer: ArrayBuffer, options?: Record<string, unknown>): DicomDict };
      DicomMetaDictionary: {
        naturalizeDataset(dataset: DenaturalizedDataset): Record<string, unknown>;
        denaturalizeDataset(dataset: Record<string, unknown>): DenaturalizedDataset;
        uid(): string;
      };
    };
  };
  export default dcmjs;
}
