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
  htj2kLossless: "1.2.840.10008.1.2.4.201",
  htj2kLosslessRpcl: "1.2.840.10008.1.2.4.202",
  htj2k: "1.2.840.10008.1.2.4.203",
} as const;

/** Transfer syntaxes by name, for refusals a PACS administrator can act on. */
export const TRANSFER_SYNTAX_NAMES: Record<string, string> = {
  "1.2.840.10008.1.2": "Implicit VR Little Endian",
  "1.2.840.10008.1.2.1": "Explicit VR Little Endian",
  "1.2.840.10008.1.2.1.99": "Deflated Explicit VR Little Endian",
  "1.2.840.10008.1.2.2": "Explicit VR Big Endian",
  "1.2.840.10008.1.2.5": "RLE Lossless",
  "1.2.840.10008.1.2.4.50": "JPEG Baseline (8-bit)",
  "1.2.840.10008.1.2.4.51": "JPEG Extended (12-bit)",
  "1.2.840.10008.1.2.4.57": "JPEG Lossless",
  "1.2.840.10008.1.2.4.70": "JPEG Lossless SV1",
  "1.2.840.10008.1.2.4.80": "JPEG-LS Lossless",
  "1.2.840.10008.1.2.4.81": "JPEG-LS Near-Lossless",
  "1.2.840.10008.1.2.4.90": "JPEG 2000 Lossless",
  "1.2.840.10008.1.2.4.91": "JPEG 2000",
  "1.2.840.10008.1.2.4.100": "MPEG2 video",
  "1.2.840.10008.1.2.4.102": "MPEG-4 AVC/H.264 video",
  "1.2.840.10008.1.2.4.201": "HTJ2K Lossless",
  "1.2.840.10008.1.2.4.202": "HTJ2K Lossless RPCL",
  "1.2.840.10008.1.2.4.203": "HTJ2K",
};

/** "1.2.840.10008.1.2.4.51 (JPEG Extended (12-bit))" */
export const nameOfSyntax = (uid: string) =>
  TRANSFER_SYNTAX_NAMES[uid] ? `${uid} (${TRANSFER_SYNTAX_NAMES[uid]})` : uid;

/** Decoders that hand back RGB for colour input (they undo the YBR / ICT / RCT colour transform themselves). */
const DECODES_TO_RGB: readonly string[] = [
  "1.2.840.10008.1.2.4.50",
  "1.2.840.10008.1.2.4.90",
  "1.2.840.10008.1.2.4.91",
  "1.2.840.10008.1.2.4.201",
  "1.2.840.10008.1.2.4.202",
  "1.2.840.10008.1.2.4.203",
];
export const decodesToRgb = (transferSyntax: string) => DECODES_TO_RGB.includes(transferSyntax);

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
  openjph: { HTJ2KDecoder: new () => WasmDecoder };
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
    const [charls, openjpeg, openjph, turbo, lossless, rle] = await Promise.all([
      import("@cornerstonejs/codec-charls/decode"),
      import("@cornerstonejs/codec-openjpeg/decode"),
      import("@cornerstonejs/codec-openjph"),
      import("@cornerstonejs/codec-libjpeg-turbo-8bit/decode"),
      import("jpeg-lossless-decoder-js"),
      import("dicom-rle"),
    ]);
    const RleDecoder = ((rle as { default?: { RleDecoder: unknown } }).default?.RleDecoder ??
      (rle as { RleDecoder: unknown }).RleDecoder) as new () => Codecs["rle"];
    codecs = {
      charls: await factory<Codecs["charls"]>(charls)(),
      openjpeg: await factory<Codecs["openjpeg"]>(openjpeg)(),
      openjph: await factory<Codecs["openjph"]>(openjph)(),
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

/**
 * Stored values of one compressed frame (one frame's bytes, fragments already joined), every
 * sample of it: one per pixel for greyscale, three (interleaved) for colour. `components`
 * says which; colour from a JPEG or JPEG 2000 / HTJ2K decoder comes back as RGB.
 */
export function decodeCompressedFrame(
  bytes: Uint8Array,
  meta: ImageMeta,
): { samples: Float32Array; components: number } {
  const ts = meta.transferSyntax;
  if (!codecs)
    throw new UnsupportedPixelDataError(
      `transfer syntax ${ts} needs the codecs, which are not loaded (call loadCodecs() first)`,
    );
  let decoded: Uint8Array;
  let bitsAllocated = meta.bitsAllocated;
  let components = meta.samplesPerPixel;
  switch (ts) {
    case COMPRESSED_SYNTAX.rle:
      decoded = codecs.rle.decode(bytes, {
        width: meta.columns,
        height: meta.rows,
        bitsAllocated: meta.bitsAllocated,
        samplesPerPixel: meta.samplesPerPixel,
      });
      break;
    case COMPRESSED_SYNTAX.jpegLsLossless:
    case COMPRESSED_SYNTAX.jpegLsNearLossless:
    case COMPRESSED_SYNTAX.jpeg2000Lossless:
    case COMPRESSED_SYNTAX.jpeg2000:
    case COMPRESSED_SYNTAX.htj2kLossless:
    case COMPRESSED_SYNTAX.htj2kLosslessRpcl:
    case COMPRESSED_SYNTAX.htj2k:
    case COMPRESSED_SYNTAX.jpegBaseline: {
      const decoder =
        ts === COMPRESSED_SYNTAX.jpegBaseline
          ? new codecs.turbo.JPEGDecoder()
          : ts.startsWith("1.2.840.10008.1.2.4.8")
            ? new codecs.charls.JpegLSDecoder()
            : ts.startsWith("1.2.840.10008.1.2.4.20")
              ? new codecs.openjph.HTJ2KDecoder()
              : new codecs.openjpeg.J2KDecoder();
      const out = runWasm(decoder, bytes);
      bitsAllocated = out.bitsPerSample <= 8 ? 8 : 16;
      components = out.componentCount;
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
        `transfer syntax ${nameOfSyntax(ts)} cannot be decoded here (no codec for it); turn on the source's transcoding capability so the PACS sends Explicit VR Little Endian, or store the series uncompressed`,
      );
  }
  const little = {
    ...meta,
    frames: 1,
    samplesPerPixel: components,
    transferSyntax: TRANSFER_SYNTAX.explicitLittle,
    bitsAllocated,
  };
  return { samples: decodeNativeFrame(decoded, little, 0), components };
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
