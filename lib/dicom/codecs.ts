import { TRANSFER_SYNTAX, UnsupportedPixelDataError, decodeNativeFrame, type ImageMeta } from "./native-pixels";

/**
 * Compressed transfer syntaxes, decoded by well-kept codec builds (Cornerstone's WASM
 * builds of CharLS, OpenJPEG and libjpeg-turbo; jpeg-lossless-decoder-js; dicom-rle),
 * never by hand-written codecs. ReadNext asks a PACS that transcodes for explicit little
 * endian and only needs these when it does not.
 */
export const COMPRESSED_SYNTAX = {
  rle: "1.2.840.10008.1.2.5",
  jpegBaseline: "1.2.840.10008.1.2.4.50",
  jpegExtended: "1.2.840.10008.1.2.4.51",
  jpegLossless: "1.2.840.10008.1.2.4.57",
  jpegLosslessSV1: "1.2.840.10008.1.2.4.70",
  jpegLsLossless: "1.2.840.10008.1.2.4.80",
  jpegLsNearLossless: "1.2.840.10008.1.2.4.81",
  jpeg2000Lossless: "1.2.840.10008.1.2.4.90",
  jpeg2000: "1.2.840.10008.1.2.4.91",
} as const;

type WasmDecoder = {
  getEncodedBuffer(length: number): Uint8Array;
  decode(): void;
  getFrameInfo(): { width: number; height: number; bitsPerSample: number; componentCount: number; isSigned?: boolean };
  getDecodedBuffer(): Uint8Array;
  delete(): void;
};
type Codecs = {
  charls: { JpegLSDecoder: new () => WasmDecoder };
  openjpeg: { J2KDecoder: new () => WasmDecoder };
  turbo: { JPEGDecoder: new () => WasmDecoder };
  Lossless: new () => {
    decode(buffer: ArrayBuffer, offset: number, length: number): Uint8Array | Uint16Array | Int16Array;
  };
  rle: {
    decode(
      data: Uint8Array,
      attrs: { width: number; height: number; bitsAllocated: number; samplesPerPixel: number },
    ): Uint8Array;
  };
};

let codecs: Codecs | null = null;
let loading: Promise<void> | null = null;

type Factory<T> = () => Promise<T>;
const factory = <T>(mod: unknown): Factory<T> => ((mod as { default?: unknown }).default ?? mod) as Factory<T>;

/** Loads the codecs once per process (the WASM modules are compiled asynchronously). */
export function loadCodecs(): Promise<void> {
  loading ??= (async () => {
    const [charls, openjpeg, turbo, lossless, rle] = await Promise.all([
      import("@cornerstonejs/codec-charls/decode"),
      import("@cornerstonejs/codec-openjpeg/decode"),
      import("@cornerstonejs/codec-libjpeg-turbo-8bit/decode"),
      import("jpeg-lossless-decoder-js"),
      import("dicom-rle"),
    ]);
    const RleDecoder = ((rle as { default?: { RleDecoder: unknown } }).default?.RleDecoder ??
      (rle as { RleDecoder: unknown }).RleDecoder) as new () => Codecs["rle"];
    codecs = {
      charls: await factory<Codecs["charls"]>(charls)(),
      openjpeg: await factory<Codecs["openjpeg"]>(openjpeg)(),
      turbo: await factory<Codecs["turbo"]>(turbo)(),
      Lossless: ((lossless as { default?: { Decoder: unknown } }).default?.Decoder ??
        (lossless as { Decoder: unknown }).Decoder) as Codecs["Lossless"],
      rle: new RleDecoder(),
    };
  })();
  return loading;
}

export function isCompressed(transferSyntax: string): boolean {
  return (Object.values(COMPRESSED_SYNTAX) as string[]).includes(transferSyntax);
}

function runWasm(
  decoder: WasmDecoder,
  bytes: Uint8Array,
): { data: Uint8Array; bitsPerSample: number; componentCount: number } {
  try {
    decoder.getEncodedBuffer(bytes.length).set(bytes);
    decoder.decode();
    const info = decoder.getFrameInfo();
    return {
      data: decoder.getDecodedBuffer().slice(),
      bitsPerSample: info.bitsPerSample,
      componentCount: info.componentCount,
    };
  } finally {
    decoder.delete();
  }
}

/** Stored values of one compressed frame (one frame's bytes, fragments already joined). */
export function decodeCompressedFrame(bytes: Uint8Array, meta: ImageMeta): Float32Array {
  const ts = meta.transferSyntax;
  if (!codecs)
    throw new UnsupportedPixelDataError(
      `transfer syntax ${ts} needs the codecs, which are not loaded (call loadCodecs() first)`,
    );
  if (meta.samplesPerPixel !== 1)
    throw new UnsupportedPixelDataError(
      `${meta.photometric} with ${meta.samplesPerPixel} samples per pixel is not a greyscale image`,
    );
  const little = { ...meta, frames: 1, transferSyntax: TRANSFER_SYNTAX.explicitLittle };
  let decoded: Uint8Array;
  let bitsAllocated = meta.bitsAllocated;
  switch (ts) {
    case COMPRESSED_SYNTAX.rle:
      decoded = codecs.rle.decode(bytes, {
        width: meta.columns,
        height: meta.rows,
        bitsAllocated: meta.bitsAllocated,
        samplesPerPixel: 1,
      });
      break;
    case COMPRESSED_SYNTAX.jpegLsLossless:
    case COMPRESSED_SYNTAX.jpegLsNearLossless:
    case COMPRESSED_SYNTAX.jpeg2000Lossless:
    case COMPRESSED_SYNTAX.jpeg2000:
    case COMPRESSED_SYNTAX.jpegBaseline: {
      const decoder =
        ts === COMPRESSED_SYNTAX.jpegBaseline
          ? new codecs.turbo.JPEGDecoder()
          : ts.startsWith("1.2.840.10008.1.2.4.8")
            ? new codecs.charls.JpegLSDecoder()
            : new codecs.openjpeg.J2KDecoder();
      const out = runWasm(decoder, bytes);
      if (out.componentCount !== 1)
        throw new UnsupportedPixelDataError(
          `the ${ts} frame has ${out.componentCount} components, not a greyscale image`,
        );
      bitsAllocated = out.bitsPerSample <= 8 ? 8 : 16;
      decoded = out.data;
      break;
    }
    case COMPRESSED_SYNTAX.jpegLossless:
    case COMPRESSED_SYNTAX.jpegLosslessSV1: {
      const copy = bytes.slice();
      const samples = new codecs.Lossless().decode(copy.buffer, 0, copy.byteLength);
      bitsAllocated = samples.BYTES_PER_ELEMENT === 1 ? 8 : 16;
      decoded = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
      break;
    }
    default:
      throw new UnsupportedPixelDataError(
        `transfer syntax ${ts} cannot be decoded here (12-bit JPEG extended and HTJ2K have no codec); ask the PACS for explicit little endian`,
      );
  }
  return decodeNativeFrame(decoded, { ...little, bitsAllocated }, 0);
}

/** One byte run per frame from encapsulated pixel data as dcmjs hands it over (per frame, or fragments of one frame). */
export function framesOfEncapsulated(fragments: ArrayBuffer[], frames: number): Uint8Array[] {
  if (fragments.length === frames) return fragments.map((f) => new Uint8Array(f));
  if (frames === 1) {
    const total = fragments.reduce((n, f) => n + f.byteLength, 0);
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const f of fragments) {
      joined.set(new Uint8Array(f), offset);
      offset += f.byteLength;
    }
    return [joined];
  }
  throw new UnsupportedPixelDataError(
    `${frames} frames in ${fragments.length} fragments with no offset table to split them`,
  );
}
