import dcmjs from "dcmjs";

const { DicomDict, DicomMessage, DicomMetaDictionary } = dcmjs.data;

export const EXPLICIT_VR_LITTLE_ENDIAN = "1.2.840.10008.1.2.1";
const IMPLEMENTATION_CLASS_UID = "2.25.302478211958235401837453090218455470761";

/** A naturalised DICOM dataset as dcmjs names it (keywords as keys). */
export type Dataset = Record<string, unknown>;

/** Writes a DICOM Part 10 file (explicit VR little endian), with 16-bit pixel data when given (not for an SR). */
export function writePart10(dataset: Dataset, pixels?: Int16Array | Uint16Array): Uint8Array {
  const meta = {
    FileMetaInformationVersion: new Uint8Array([0, 1]).buffer,
    MediaStorageSOPClassUID: dataset.SOPClassUID,
    MediaStorageSOPInstanceUID: dataset.SOPInstanceUID,
    TransferSyntaxUID: EXPLICIT_VR_LITTLE_ENDIAN,
    ImplementationClassUID: IMPLEMENTATION_CLASS_UID,
    ImplementationVersionName: "READNEXT_SYN",
  };
  const dict = new DicomDict(DicomMetaDictionary.denaturalizeDataset(meta));
  if (!pixels) {
    dict.dict = DicomMetaDictionary.denaturalizeDataset(dataset);
    return new Uint8Array(dict.write());
  }
  const bytes = pixels.buffer.slice(pixels.byteOffset, pixels.byteOffset + pixels.byteLength);
  dict.dict = DicomMetaDictionary.denaturalizeDataset({ ...dataset, PixelData: [bytes], _vrMap: { PixelData: "OW" } });
  return new Uint8Array(dict.write());
}

/** Reads a Part 10 file into a naturalised dataset, with the file meta under `_meta`. */
export function readPart10(bytes: Uint8Array): Dataset {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const dict = DicomMessage.readFile(buffer);
  return {
    ...DicomMetaDictionary.naturalizeDataset(dict.dict),
    _meta: DicomMetaDictionary.naturalizeDataset(dict.meta),
  };
}
