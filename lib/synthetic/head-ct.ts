import type { Random } from "../random";

export type BleedKind = "intraparenchymal" | "subdural" | "epidural";

export type HeadCtVolume = {
  rows: number;
  columns: number;
  /** One Int16Array of Hounsfield units per slice, inferior to superior. */
  slices: Int16Array[];
  /** Slices that contain bleed voxels (ground truth for training and tests). */
  bleedSlices: number[];
};

type Ellipse = { cx: number; cy: number; a: number; b: number };

const inside = (e: Ellipse, x: number, y: number) => ((x - e.cx) / e.a) ** 2 + ((y - e.cy) / e.b) ** 2;

/**
 * A non-contrast head CT: air, scalp, skull, grey and white matter, ventricles and
 * noise, optionally with one intracranial bleed of 50–90 HU. Pure and deterministic.
 */
export function generateHeadCtVolume(
  rng: Random,
  options: { sliceCount: number; size: number; bleed: BleedKind | null },
): HeadCtVolume {
  const { sliceCount, size } = options;
  const scale = size / 512;
  const centre = { x: size / 2 + rng.range(-10, 10) * scale, y: size / 2 + rng.range(-8, 8) * scale };
  const headA = rng.range(165, 185) * scale;
  const headB = headA * rng.range(1.12, 1.22);
  const skullThickness = rng.range(10, 16) * scale;
  const greyHu = rng.range(36, 42);
  const whiteHu = rng.range(24, 30);
  const noise = rng.range(3, 6);
  const bleed = options.bleed ? planBleed(rng, options.bleed, sliceCount, scale) : null;
  const bleedSlices = new Set<number>();
  const slices: Int16Array[] = [];

  for (let z = 0; z < sliceCount; z++) {
    // Head cross-section grows then shrinks from skull base to vertex.
    const t = (z + 0.5) / sliceCount;
    const profile = 0.72 + 0.28 * Math.sin(Math.PI * (0.15 + 0.75 * t));
    const outer: Ellipse = { cx: centre.x, cy: centre.y, a: headA * profile, b: headB * profile };
    const skull: Ellipse = { ...outer, a: outer.a - 5 * scale, b: outer.b - 5 * scale };
    const brain: Ellipse = { ...skull, a: skull.a - skullThickness, b: skull.b - skullThickness };
    const white: Ellipse = { ...brain, a: brain.a * 0.78, b: brain.b * 0.8 };
    const ventricleSize = Math.max(0, Math.sin((Math.PI * (t - 0.25)) / 0.5)) * (t > 0.25 && t < 0.75 ? 1 : 0);
    const ventricles: Ellipse[] =
      ventricleSize > 0
        ? [-1, 1].map((side) => ({
            cx: centre.x + side * 14 * scale,
            cy: centre.y - 6 * scale,
            a: 9 * scale * ventricleSize + 1,
            b: 38 * scale * ventricleSize + 1,
          }))
        : [];
    const pixels = new Int16Array(size * size);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        let hu: number;
        if (inside(outer, x, y) > 1) hu = -1000 + rng.gaussian() * 8;
        else if (inside(skull, x, y) > 1)
          hu = 45 + rng.gaussian() * noise; // scalp
        else if (inside(brain, x, y) > 1)
          hu = 1100 + rng.range(-250, 250); // bone
        else {
          hu = (inside(white, x, y) <= 1 ? whiteHu : greyHu) + rng.gaussian() * noise;
          if (ventricles.some((v) => inside(v, x, y) <= 1)) hu = 6 + rng.gaussian() * noise;
          if (bleed) {
            const bleedHu = bleed.huAt(x - centre.x, y - centre.y, z, brain);
            if (bleedHu !== null) {
              hu = bleedHu + rng.gaussian() * noise;
              bleedSlices.add(z);
            }
          }
        }
        pixels[y * size + x] = Math.round(hu);
      }
    }
    slices.push(pixels);
  }
  return { rows: size, columns: size, slices, bleedSlices: [...bleedSlices].sort((a, b) => a - b) };
}

type BleedPlan = { huAt: (dx: number, dy: number, z: number, brain: Ellipse) => number | null };

function planBleed(rng: Random, kind: BleedKind, sliceCount: number, scale: number): BleedPlan {
  const hu = rng.range(55, 85);
  const span = kind === "subdural" ? rng.int(6, 12) : rng.int(3, 7);
  const z0 = rng.int(
    Math.floor(sliceCount * 0.3),
    Math.max(Math.floor(sliceCount * 0.3), Math.floor(sliceCount * 0.75) - span),
  );
  const inSlab = (z: number) => z >= z0 && z < z0 + span;
  // Taper at the slab's ends so the bleed is a 3-D body, not a prism.
  const taper = (z: number) => 1 - Math.abs((z - z0 + 0.5) / span - 0.5) * 1.2;

  if (kind === "intraparenchymal") {
    const angle = rng.range(0, 2 * Math.PI);
    const distance = rng.range(0.2, 0.55);
    const ra = rng.range(10, 24) * scale;
    const rb = ra * rng.range(0.6, 1);
    return {
      huAt(dx, dy, z, brain) {
        if (!inSlab(z)) return null;
        const cx = Math.cos(angle) * brain.a * distance;
        const cy = Math.sin(angle) * brain.b * distance;
        const r = ((dx - cx) / (ra * taper(z))) ** 2 + ((dy - cy) / (rb * taper(z))) ** 2;
        return r <= 1 ? hu : null;
      },
    };
  }
  // Subdural (crescent) and epidural (lens) lie against the inner table of the skull.
  const centreAngle = rng.range(0, 2 * Math.PI);
  const halfSpan = kind === "subdural" ? rng.range(0.7, 1.2) : rng.range(0.3, 0.5);
  // Thickness at the 512-matrix scale (0.45 mm pixels): subdural 4.5–11 mm, epidural 6–13 mm.
  const maxThickness = (kind === "subdural" ? rng.range(10, 24) : rng.range(14, 28)) * scale;
  return {
    huAt(dx, dy, z, brain) {
      if (!inSlab(z)) return null;
      const angle = Math.atan2(dy / brain.b, dx / brain.a);
      let offset = Math.abs(angle - centreAngle) % (2 * Math.PI);
      if (offset > Math.PI) offset = 2 * Math.PI - offset;
      if (offset > halfSpan) return null;
      const edge = Math.sqrt((dx / brain.a) ** 2 + (dy / brain.b) ** 2); // 1 at the inner table
      const depth = (1 - edge) * Math.min(brain.a, brain.b);
      const along = offset / halfSpan;
      // A crescent keeps its thickness along the arc; a lens bulges in the middle.
      const thickness = maxThickness * taper(z) * (kind === "subdural" ? 1 - along ** 6 : 1 - along ** 2);
      return depth >= 0 && depth <= thickness ? hu : null;
    },
  };
}
