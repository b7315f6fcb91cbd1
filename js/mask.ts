// Superpixel maths for the image view: which superpixels to show, their boundaries and
// the RGBA overlay. Pure functions over flat arrays (row-major, as numpy sends them).

import { intensity, NEGATIVE_RGB, POSITIVE_RGB } from "./color";

export type SignMode = "positive" | "negative" | "both";

/** Boundary colour (lime's mark_boundaries default: yellow). */
export const BOUNDARY_RGB = [255, 255, 0] as const;
/** Boundary colour of the focused superpixel. */
export const FOCUS_RGB = [255, 255, 255] as const;

/**
 * Superpixels to colour, as lime's `get_image_and_mask` picks them from a fit's weights
 * (largest |w| first): "positive" = the first `n` with w > 0, "negative" = the first `n`
 * with w < 0, "both" = the first `n` whatever their sign; |w| < minWeight is skipped.
 * Returns feature id -> weight, in that order.
 */
export function selectSegments(
  weights: ReadonlyArray<readonly [number, number]>,
  n: number,
  sign: SignMode,
  minWeight = 0,
): Map<number, number> {
  const out = new Map<number, number>();
  const limit = Math.max(0, Math.floor(n));
  for (const [id, w] of weights) {
    if (out.size >= limit) break;
    if (sign === "positive" && !(w > 0)) continue;
    if (sign === "negative" && !(w < 0)) continue;
    if (Math.abs(w) < minWeight) continue;
    out.set(id, w);
  }
  return out;
}

/**
 * Thin (one pixel) boundaries, size h*w: 1 where the right or lower neighbour holds
 * another superpixel, else 0.
 */
export function boundaryMap(segments: ArrayLike<number>, height: number, width: number): Uint8Array {
  const out = new Uint8Array(height * width);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const i = row + x;
      const s = segments[i];
      if ((x + 1 < width && segments[i + 1] !== s) || (y + 1 < height && segments[i + width] !== s)) out[i] = 1;
    }
  }
  return out;
}

/** Whether pixel i of superpixel s touches another superpixel (4-neighbourhood). */
export function isEdge(segments: ArrayLike<number>, height: number, width: number, i: number): boolean {
  const s = segments[i];
  const x = i % width;
  return (
    (x + 1 < width && segments[i + 1] !== s) ||
    (x > 0 && segments[i - 1] !== s) ||
    (i + width < height * width && segments[i + width] !== s) ||
    (i >= width && segments[i - width] !== s)
  );
}

/** Superpixel id under pixel (x, y), or -1 outside the image. */
export function segmentAt(segments: ArrayLike<number>, width: number, height: number, x: number, y: number): number {
  const xi = Math.floor(x);
  const yi = Math.floor(y);
  if (xi < 0 || yi < 0 || xi >= width || yi >= height) return -1;
  return segments[yi * width + xi];
}

/** 255 for float images in [0, 1], 1 otherwise (uint8 etc.). */
export function pixelScale(values: ArrayLike<number>, dtype: string): number {
  if (!/f/.test(dtype)) return 1;
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  return max <= 1 ? 255 : 1;
}

export interface OverlayOptions {
  /** Black out the superpixels that are not selected (lime's hide_rest). */
  hideRest?: boolean;
  /** Boundary map from boundaryMap(), or null for none. */
  boundaries?: Uint8Array | null;
  /** Draw all boundaries in BOUNDARY_RGB (default true); the focused one is drawn anyway. */
  showBoundaries?: boolean;
  /** Superpixel whose own edge pixels are drawn in FOCUS_RGB (-1 for none). */
  focused?: number;
  /** Normalisation of |w| (default: max |w| of the selection). */
  maxAbs?: number;
  /** Tint strength: alpha = minAlpha + (maxAlpha - minAlpha) * intensity. */
  minAlpha?: number;
  maxAlpha?: number;
  /** Multiply pixel values by this (255 for float images in [0, 1]). */
  scale?: number;
  /** Brightness of unselected superpixels while some are selected (1 = unchanged). */
  dimRest?: number;
  /** Brightness of everything but the focused superpixel while one is focused. */
  spotlight?: number;
}

/** Default brightness of unselected superpixels (they recede, the selection stands out). */
export const DIM_REST = 0.45;
/** Opacity of the boundaries of unselected superpixels while some are selected. */
export const FAINT_BOUNDARY = 0.3;
/** Default brightness outside the focused superpixel. */
export const SPOTLIGHT = 0.45;

/**
 * RGBA pixels (h*w*4) of the image with the selected superpixels tinted (orange for
 * positive, blue for negative weights, stronger for larger |w|), the rest kept or
 * blacked out, and boundaries drawn. `channels` is 1 (grey), 3 (RGB) or 4 (RGBA).
 */
export function overlayRgba(
  pixels: ArrayLike<number>,
  channels: number,
  segments: ArrayLike<number>,
  height: number,
  width: number,
  selected: ReadonlyMap<number, number>,
  opts: OverlayOptions = {},
): Uint8ClampedArray {
  const n = height * width;
  if (segments.length !== n) throw new Error(`segments have ${segments.length} pixels, image has ${n}`);
  if (pixels.length !== n * channels) throw new Error(`image has ${pixels.length} values, expected ${n * channels}`);
  const out = new Uint8ClampedArray(n * 4);
  const scale = opts.scale ?? 1;
  const minA = opts.minAlpha ?? 0.25;
  const maxA = opts.maxAlpha ?? 0.7;
  const focused = opts.focused ?? -1;
  const bounds = opts.boundaries ?? null;
  let maxAbs = opts.maxAbs ?? 0;
  if (opts.maxAbs === undefined) for (const w of selected.values()) maxAbs = Math.max(maxAbs, Math.abs(w));
  // per-superpixel tint, computed once
  const tint = new Map<number, [number, number, number, number]>();
  for (const [id, w] of selected) {
    const c = w < 0 ? NEGATIVE_RGB : POSITIVE_RGB;
    tint.set(id, [c[0], c[1], c[2], minA + (maxA - minA) * intensity(w, maxAbs)]);
  }
  const hideRest = !!opts.hideRest;
  const showBounds = opts.showBoundaries ?? true;
  const dim = selected.size > 0 ? (opts.dimRest ?? DIM_REST) : 1;
  const spot = focused >= 0 ? (opts.spotlight ?? SPOTLIGHT) : 1;
  for (let i = 0; i < n; i++) {
    const s = segments[i];
    const o = i * 4;
    let r: number, g: number, b: number;
    if (channels === 1) {
      r = g = b = pixels[i] * scale;
    } else {
      const p = i * channels;
      r = pixels[p] * scale;
      g = pixels[p + 1] * scale;
      b = pixels[p + 2] * scale;
    }
    const t = tint.get(s);
    if (t) {
      const a = t[3];
      r = r * (1 - a) + t[0] * a;
      g = g * (1 - a) + t[1] * a;
      b = b * (1 - a) + t[2] * a;
    } else if (hideRest) {
      r = g = b = 0;
    } else if (dim !== 1) {
      r *= dim;
      g *= dim;
      b *= dim;
    }
    if (spot !== 1 && s !== focused) {
      r *= spot;
      g *= spot;
      b *= spot;
    }
    if (s === focused && isEdge(segments, height, width, i)) {
      r = FOCUS_RGB[0]; g = FOCUS_RGB[1]; b = FOCUS_RGB[2];
    } else if (showBounds && bounds && ((t && isEdge(segments, height, width, i)) || (bounds[i] && selected.size === 0))) {
      // the selection is outlined in full (as lime's mark_boundaries on the mask) ...
      r = BOUNDARY_RGB[0]; g = BOUNDARY_RGB[1]; b = BOUNDARY_RGB[2];
    } else if (showBounds && bounds && bounds[i]) {
      // ... and the other superpixels' edges stay faint, so the selection stands out
      r = r * (1 - FAINT_BOUNDARY) + BOUNDARY_RGB[0] * FAINT_BOUNDARY;
      g = g * (1 - FAINT_BOUNDARY) + BOUNDARY_RGB[1] * FAINT_BOUNDARY;
      b = b * (1 - FAINT_BOUNDARY) + BOUNDARY_RGB[2] * FAINT_BOUNDARY;
    }
    out[o] = r;
    out[o + 1] = g;
    out[o + 2] = b;
    out[o + 3] = 255;
  }
  return out;
}
