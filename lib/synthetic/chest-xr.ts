import type { Random } from "../random";

export type ChestXrImage = {
  rows: number;
  columns: number;
  bitsStored: number;
  /** Stored values, MONOCHROME2 (higher is brighter). */
  pixels: Uint16Array;
  /** Bounding box of the pneumothorax (ground truth), or null. */
  pneumothorax: { side: "left" | "right"; x0: number; y0: number; x1: number; y1: number } | null;
};

/**
 * A PA chest radiograph: body, mediastinum, ribs, diaphragm and two lungs with
 * branching vascular markings; optionally an apical pneumothorax (a lucent cap
 * with no markings bounded by a thin bright visceral pleural line).
 */
export function generateChestXr(
  rng: Random,
  options: { size: number; bitsStored: number; pneumothorax: boolean },
): ChestXrImage {
  const { size, bitsStored } = options;
  const max = 2 ** bitsStored - 1;
  const s = size / 1024;
  const level = (fraction: number) => fraction * max;
  const image = new Float32Array(size * size);
  const cx = size / 2 + rng.range(-15, 15) * s;
  const body = { a: rng.range(400, 460) * s, b: rng.range(470, 520) * s, cy: size * 0.55 };
  const lungs = [-1, 1].map((side) => ({
    side,
    cx: cx + side * rng.range(170, 200) * s,
    cy: size * rng.range(0.46, 0.5),
    a: rng.range(120, 150) * s,
    b: rng.range(250, 290) * s,
  }));
  const lungAt = (x: number, y: number) => lungs.find((l) => ((x - l.cx) / l.a) ** 2 + ((y - l.cy) / l.b) ** 2 <= 1);

  // Background, body and lungs.
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const inBody = ((x - cx) / body.a) ** 2 + ((y - body.cy) / body.b) ** 2 <= 1;
      let v = inBody ? level(0.5) : level(0.08);
      const lung = lungAt(x, y);
      if (lung) v = level(0.26) + (level(0.06) * Math.abs(x - lung.cx)) / lung.a;
      // Mediastinum and heart.
      const heart = ((x - cx - 40 * s) / (150 * s)) ** 2 + ((y - size * 0.62) / (140 * s)) ** 2 <= 1;
      if (inBody && (Math.abs(x - cx) < 55 * s || heart)) v = Math.max(v, level(0.62));
      // Diaphragm.
      if (y > size * 0.78 + 30 * s * Math.cos((x - cx) / (200 * s)) && inBody) v = Math.max(v, level(0.58));
      image[y * size + x] = v;
    }
  }

  // Vascular markings: random walks branching outward from each hilum.
  const ptx = options.pneumothorax ? planPneumothorax(rng, lungs[rng.int(0, 1)]!) : null;
  const vessels = new Float32Array(size * size);
  for (const lung of lungs) {
    const hilum = { x: lung.cx - lung.side * lung.a * 0.55, y: lung.cy };
    for (let branch = 0; branch < 26; branch++) {
      let x = hilum.x;
      let y = hilum.y;
      let angle = (lung.side > 0 ? 0 : Math.PI) + rng.range(-1.3, 1.3);
      let width = rng.range(3, 5) * s;
      const steps = Math.floor(rng.range(140, 260) * s);
      for (let i = 0; i < steps; i++) {
        angle += rng.gaussian() * 0.06;
        x += Math.cos(angle) * 1.5;
        y += Math.sin(angle) * 1.5;
        width *= 0.994;
        if (!lungAt(x, y) || (ptx && ptx.isCollapsedSpace(x, y))) break;
        paintDisc(vessels, size, x, y, width);
      }
    }
  }
  for (let i = 0; i < image.length; i++) image[i] = image[i]! + vessels[i]! * level(0.07);

  // Ribs: bright arcs across both lungs.
  for (let rib = 0; rib < 9; rib++) {
    const y0 = size * 0.2 + rib * 52 * s;
    for (let x = 0; x < size; x++) {
      const y = y0 + (0.00035 / s) * (x - cx) ** 2;
      for (let d = -7 * s; d <= 7 * s; d++) {
        const yy = Math.round(y + d);
        const inBody = ((x - cx) / body.a) ** 2 + ((yy - body.cy) / body.b) ** 2 <= 1;
        if (yy >= 0 && yy < size && inBody) image[yy * size + x] = image[yy * size + x]! + level(0.05);
      }
    }
  }

  if (ptx) ptx.apply(image, size, level);
  const pixels = new Uint16Array(size * size);
  const noise = level(0.008);
  for (let i = 0; i < pixels.length; i++)
    pixels[i] = Math.max(0, Math.min(max, Math.round(image[i]! + rng.gaussian() * noise)));
  return { rows: size, columns: size, bitsStored, pixels, pneumothorax: ptx?.box ?? null };
}

/** Marks a soft disc in `mask` (0..1, brightest at the centre), keeping the maximum where discs overlap. */
function paintDisc(mask: Float32Array, size: number, cx: number, cy: number, r: number) {
  const r2 = r * r;
  for (let y = Math.floor(cy - r); y <= Math.ceil(cy + r); y++) {
    for (let x = Math.floor(cx - r); x <= Math.ceil(cx + r); x++) {
      if (x < 0 || y < 0 || x >= size || y >= size) continue;
      const d2 = (x - cx) ** 2 + (y - cy) ** 2;
      if (d2 <= r2) mask[y * size + x] = Math.max(mask[y * size + x]!, 1 - 0.5 * (d2 / r2));
    }
  }
}

type Lung = { side: number; cx: number; cy: number; a: number; b: number };

function planPneumothorax(rng: Random, lung: Lung) {
  // The collapsed lung's edge: a smaller ellipse offset down and toward the hilum.
  const depth = rng.range(0.12, 0.3);
  const edge = {
    cx: lung.cx - lung.side * lung.a * depth * 0.4,
    cy: lung.cy + lung.b * depth,
    a: lung.a * (1 - depth * 0.5),
    b: lung.b * (1 - depth * 0.45),
  };
  const inLung = (x: number, y: number) => ((x - lung.cx) / lung.a) ** 2 + ((y - lung.cy) / lung.b) ** 2 <= 1;
  const edgeValue = (x: number, y: number) => ((x - edge.cx) / edge.a) ** 2 + ((y - edge.cy) / edge.b) ** 2;
  const isCollapsedSpace = (x: number, y: number) => inLung(x, y) && edgeValue(x, y) > 1;
  const x0 = Math.round(lung.cx - lung.a);
  const x1 = Math.round(lung.cx + lung.a);
  const y0 = Math.round(lung.cy - lung.b);
  const y1 = Math.round(edge.cy - edge.b + lung.b * 0.6);
  const lineWidth = rng.range(0.012, 0.02);
  return {
    isCollapsedSpace,
    box: { side: lung.side < 0 ? ("right" as const) : ("left" as const), x0, y0, x1, y1 },
    apply(image: Float32Array, size: number, level: (f: number) => number) {
      for (let y = Math.max(0, y0); y < Math.min(size, Math.round(lung.cy + lung.b)); y++) {
        for (let x = Math.max(0, x0); x < Math.min(size, x1); x++) {
          if (!inLung(x, y)) continue;
          const e = edgeValue(x, y);
          // Pleural air is darker than aerated lung and carries no vessels.
          if (e > 1) image[y * size + x] = level(0.18) + (level(0.02) * Math.abs(x - lung.cx)) / lung.a;
          // The visceral pleural line: a thin bright curve at the lung's new edge.
          if (Math.abs(Math.sqrt(e) - 1) < lineWidth) image[y * size + x] = level(0.4);
        }
      }
    },
  };
}
