// Writing Part 10 files (lib/dicom/part10.ts, used for synthetic studies and tests), read back
// with dicom-parser, a different library from the dcmjs that writes them: the file meta a PACS
// checks, and pixel data that is exactly the pixels given, even from a view into a larger buffer.
import dicomParser from "dicom-parser";
import { describe, expect, it } from "vitest";
import { EXPLICIT_VR_LITTLE_ENDIAN, readPart10, writePart10 } from "@/lib/dicom/part10";

const CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2";
const header = { SOPClassUID: CT_IMAGE, SOPInstanceUID: "2.25.99", Modality: "CT", Rows: 1, Columns: 2 };

describe("writePart10", () => {
  it("writes the file meta a reader checks", () => {
    const ds = dicomParser.parseDicom(writePart10({ ...header, PatientID: "P1" }));
    const version = ds.elements.x00020001!;
    expect(Array.from(ds.byteArray.subarray(version.dataOffset, version.dataOffset + version.length))).toEqual([0, 1]);
    expect(ds.string("x00020002")).toBe(CT_IMAGE);
    expect(ds.string("x00020003")).toBe("2.25.99");
    expect(ds.string("x00020010")).toBe("1.2.840.10008.1.2.1");
    expect(EXPLICIT_VR_LITTLE_ENDIAN).toBe("1.2.840.10008.1.2.1");
    expect(ds.string("x00020012")).toBe("2.25.302478211958235401837453090218455470761");
    expect(ds.string("x00020013")).toBe("READNEXT_SYN");
    expect(ds.string("x00100020")).toBe("P1");
    expect(ds.elements.x7fe00010).toBeUndefined();
  });

  it("pixel data is exactly the pixels given, as OW little endian, even from a view into a larger buffer", () => {
    const all = new Uint16Array([0xaaaa, 0x0102, 0xfffe, 0xbbbb]);
    const view = all.subarray(1, 3); // 0x0102, 0xfffe
    const bytes = writePart10(header, view);
    const ds = dicomParser.parseDicom(bytes);
    const pixel = ds.elements.x7fe00010!;
    expect(pixel.vr).toBe("OW");
    expect(pixel.length).toBe(4);
    expect(Array.from(ds.byteArray.subarray(pixel.dataOffset, pixel.dataOffset + 4))).toEqual([0x02, 0x01, 0xfe, 0xff]);
    // And back through dcmjs: the header and the meta as written.
    const read = readPart10(bytes);
    expect(read.Modality).toBe("CT");
    expect((read._meta as Record<string, unknown>).ImplementationVersionName).toBe("READNEXT_SYN");
  });
});
