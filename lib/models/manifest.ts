import { z } from "zod";

const probability = z.number().min(0).max(1);

/**
 * What a model needs to be run safely by ReadNext: which series it applies to, how
 * pixels become its input, what its outputs mean, and how slice scores become a study
 * score. One manifest.json beside each models/<id>/model.onnx (documented in models/README.md).
 */
export const manifestSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,40}$/, "lower-case letters, digits and dashes"),
    version: z.string().regex(/^\d+\.\d+\.\d+(-[\w.]+)?$/, "a semantic version such as 1.0.0"),
    task: z.literal("classification"),
    intendedUse: z.string().min(20),
    notForClinicalUse: z.boolean(),
    license: z.string().min(1),
    authors: z.array(z.string().min(1)).min(1),
    trainingData: z.string().min(1),
    file: z.object({
      path: z.string().default("model.onnx"),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, "64 lower-case hex digits"),
    }),
    series: z.object({
      modalities: z.array(z.string().min(1)).min(1),
      bodyParts: z.array(z.string().min(1)).optional(),
      seriesDescription: z
        .string()
        .optional()
        .refine((r) => r === undefined || isRegExp(r), "not a valid regular expression"),
      excludeImageTypes: z.array(z.string()).default(["LOCALIZER"]),
      sliceThicknessMm: z.object({ min: z.number().min(0), max: z.number().positive() }).optional(),
      /** Among several matching series, the one closest to this thickness (what the model was trained on) is scored. */
      preferSliceThicknessMm: z.number().positive().optional(),
      minInstances: z.number().int().min(1).default(1),
    }),
    input: z.object({
      name: z.string().min(1),
      layout: z.literal("NCHW"),
      /** [batch, channels, height, width]; -1 for a dynamic batch. */
      shape: z.tuple([
        z.number().int().min(-1),
        z.number().int().min(1),
        z.number().int().min(1),
        z.number().int().min(1),
      ]),
      dtype: z.literal("float32"),
      unit: z.enum(["slice", "image"]),
    }),
    preprocessing: z.object({
      rescale: z.boolean().default(true),
      invertMonochrome1: z.boolean().default(true),
      /** One window per input channel (e.g. brain, subdural, bone), or a scaling for single-channel images. */
      windows: z.array(z.object({ center: z.number(), width: z.number().positive() })).optional(),
      scaling: z.enum(["windows", "minmax", "bitdepth"]),
      normalise: z.object({ mean: z.array(z.number()), std: z.array(z.number().positive()) }).optional(),
      maxSlices: z.number().int().positive().optional(),
      /**
       * Colour images (RGB, YBR, palette colour): "refuse" them (not applicable, with the
       * reason), or turn them into "luminance" (ITU-R BT.601 Y) for a greyscale model.
       */
      colour: z.enum(["refuse", "luminance"]).default("refuse"),
    }),
    outputs: z
      .array(
        z.object({
          name: z.string().min(1),
          index: z.number().int().min(0).default(0),
          findingCode: z.string().min(1),
          displayName: z.string().min(1),
          activation: z.enum(["sigmoid", "softmax", "none"]),
          criticalThreshold: probability,
          urgentThreshold: probability.optional(),
        }),
      )
      .min(1),
    aggregation: z.object({
      method: z.enum(["max", "mean-top-k"]),
      k: z.number().int().positive().optional(),
      minPositiveSlices: z.number().int().min(1).default(1),
    }),
    operatingPoint: z.object({ sensitivity: probability, specificity: probability, measuredOn: z.string().min(1) }),
  })
  .superRefine((m, ctx) => {
    const channels = m.input.shape[1];
    if (m.preprocessing.scaling === "windows" && m.preprocessing.windows?.length !== channels) {
      ctx.addIssue({
        code: "custom",
        path: ["preprocessing", "windows"],
        message: `scaling "windows" needs one window per input channel (${channels})`,
      });
    }
    if (m.preprocessing.scaling !== "windows" && channels !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["input", "shape"],
        message: `scaling "${m.preprocessing.scaling}" makes one channel, but the input has ${channels}`,
      });
    }
    const norm = m.preprocessing.normalise;
    if (norm && (norm.mean.length !== channels || norm.std.length !== channels)) {
      ctx.addIssue({
        code: "custom",
        path: ["preprocessing", "normalise"],
        message: `mean and std need ${channels} values each`,
      });
    }
    m.outputs.forEach((o, i) => {
      if (o.urgentThreshold !== undefined && o.urgentThreshold >= o.criticalThreshold) {
        ctx.addIssue({
          code: "custom",
          path: ["outputs", i, "urgentThreshold"],
          message: "must be below criticalThreshold",
        });
      }
    });
    if (m.aggregation.method === "mean-top-k" && !m.aggregation.k) {
      ctx.addIssue({ code: "custom", path: ["aggregation", "k"], message: "mean-top-k needs k" });
    }
    if (!/prioriti[sz]/i.test(m.intendedUse)) {
      ctx.addIssue({
        code: "custom",
        path: ["intendedUse"],
        message: "must state that the model is for worklist prioritisation",
      });
    }
  });

function isRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

export type ModelManifest = z.infer<typeof manifestSchema>;

/** Validates a manifest and reports every problem at once, each with its path. */
export function validateManifest(
  json: unknown,
): { ok: true; manifest: ModelManifest } | { ok: false; problems: string[] } {
  const result = manifestSchema.safeParse(json);
  if (result.success) return { ok: true, manifest: result.data };
  return { ok: false, problems: result.error.issues.map((i) => `${i.path.join(".") || "manifest"}: ${i.message}`) };
}

/** Series metadata the selector looks at (from QIDO or instance metadata). */
export type SeriesFacts = {
  modality: string | null;
  bodyPart: string | null;
  description: string | null;
  imageType: string[];
  sliceThicknessMm: number | null;
  instances: number;
  /** Frames in the series' one image, when it is known to hold several (enhanced multi-frame CT or MR). */
  frames?: number | null;
};

/** Whether a model applies to a series, and if not, why not (shown as "no applicable model"). */
/**
 * Whether a series is one the model is built for. `kindMatches` says whether at least
 * modality and body part fit, so a refusal can name the model that nearly applied.
 */
export function seriesApplies(
  manifest: ModelManifest,
  s: SeriesFacts,
): { applies: true } | { applies: false; kindMatches: boolean; reason: string } {
  const rule = manifest.series;
  if (!s.modality || !rule.modalities.includes(s.modality.toUpperCase()))
    return {
      applies: false,
      kindMatches: false,
      reason: `modality ${s.modality ?? "unknown"} is not ${rule.modalities.join("/")}`,
    };
  if (rule.bodyParts && (!s.bodyPart || !rule.bodyParts.includes(s.bodyPart.toUpperCase())))
    return {
      applies: false,
      kindMatches: false,
      reason: `body part ${s.bodyPart ?? "unknown"} is not ${rule.bodyParts.join("/")}`,
    };
  const refuse = (reason: string) => ({ applies: false as const, kindMatches: true, reason });
  if (rule.seriesDescription && !new RegExp(rule.seriesDescription, "i").test(s.description ?? ""))
    return refuse(`series "${s.description ?? ""}" does not match ${rule.seriesDescription}`);
  const excluded = s.imageType.find((t) => rule.excludeImageTypes.includes(t.toUpperCase()));
  if (excluded) return refuse(`image type ${excluded}`);
  const thickness = rule.sliceThicknessMm;
  if (
    thickness &&
    s.sliceThicknessMm !== null &&
    (s.sliceThicknessMm < thickness.min || s.sliceThicknessMm > thickness.max)
  ) {
    return refuse(`slice thickness ${s.sliceThicknessMm} mm is outside ${thickness.min}–${thickness.max} mm`);
  }
  // One image may be a whole multi-frame volume: its frames count as slices. A listing cannot
  // say how many frames it holds, so a single-image series goes on to be fetched and counted.
  const slices = s.instances === 1 && s.frames ? s.frames : s.instances;
  const unknownFrames = s.instances === 1 && s.frames === undefined;
  if (slices < rule.minInstances && !unknownFrames)
    return refuse(
      `${slices} ${s.instances === 1 && s.frames ? "frames" : "instances"}, fewer than ${rule.minInstances}`,
    );
  return { applies: true };
}

/** Site thresholds (admin overrides, audited) in place of the manifest's for the first output. */
export function withThresholds(
  manifest: ModelManifest,
  overrides: { critical: number | null; urgent: number | null },
): ModelManifest {
  if (overrides.critical === null && overrides.urgent === null) return manifest;
  const [first, ...rest] = manifest.outputs;
  const critical = overrides.critical ?? first!.criticalThreshold;
  const urgent = overrides.urgent ?? first!.urgentThreshold;
  return {
    ...manifest,
    outputs: [
      {
        ...first!,
        criticalThreshold: critical,
        urgentThreshold: urgent !== undefined && urgent < critical ? urgent : undefined,
      },
      ...rest,
    ],
  };
}
