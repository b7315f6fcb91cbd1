// Diverging, colour-blind-safe colour scale: orange = supports the shown class,
// blue = speaks against it; intensity grows with |weight| / max |weight|.

export type RGB = readonly [number, number, number];
export type RGBA = readonly [number, number, number, number];

/** #e66101 (orange, positive weights). */
export const POSITIVE_RGB: RGB = [230, 97, 1];
/** #4393c3 (blue, negative weights). */
export const NEGATIVE_RGB: RGB = [67, 147, 195];
/** Largest background alpha used for word highlights. */
export const MAX_ALPHA = 0.85;
/** From this intensity on, highlighted text is drawn black for contrast (light and dark themes). */
export const STRONG_INTENSITY = 0.5;

/** max |w| over weights (0 when empty or all zero/NaN). */
export function maxAbsWeight(weights: ReadonlyArray<readonly [number, number]>): number {
  let m = 0;
  for (const [, w] of weights) {
    const a = Math.abs(w);
    if (a > m) m = a;
  }
  return m;
}

/** |w| / maxAbs clamped to [0, 1]; 0 when maxAbs is 0 or anything is not finite. */
export function intensity(w: number, maxAbs: number): number {
  if (!Number.isFinite(w) || !Number.isFinite(maxAbs) || maxAbs <= 0) return 0;
  return Math.min(1, Math.abs(w) / maxAbs);
}

/** Base colour of a weight's sign (orange for >= 0, blue for < 0). */
export function signColor(w: number): RGB {
  return w < 0 ? NEGATIVE_RGB : POSITIVE_RGB;
}

/** RGBA (alpha in 0..1) of a weight: the sign's colour, alpha = intensity * maxAlpha. */
export function weightRgba(w: number, maxAbs: number, maxAlpha = MAX_ALPHA): RGBA {
  const [r, g, b] = signColor(w);
  return [r, g, b, intensity(w, maxAbs) * maxAlpha];
}

/** CSS colour of a weight for a text background; "transparent" for zero intensity. */
export function weightCss(w: number, maxAbs: number, maxAlpha = MAX_ALPHA): string {
  const [r, g, b, a] = weightRgba(w, maxAbs, maxAlpha);
  if (a <= 0) return "transparent";
  return `rgba(${r}, ${g}, ${b}, ${a.toFixed(3)})`;
}

/** Solid CSS colour of a weight's sign (bars). */
export function signCss(w: number): string {
  const [r, g, b] = signColor(w);
  return `rgb(${r}, ${g}, ${b})`;
}

/** Whether a highlighted word needs dark text (strong background). */
export function isStrong(w: number, maxAbs: number): boolean {
  return intensity(w, maxAbs) >= STRONG_INTENSITY;
}

/** Signed number with a fixed number of decimals ("+0.123", "-0.050", "0.000"). */
export function formatWeight(w: number, digits = 3): string {
  if (!Number.isFinite(w)) return String(w);
  if (w === 0) return (0).toFixed(digits);
  const a = Math.abs(w);
  // tiny but non-zero weights keep two significant digits instead of showing 0.000
  const s = a < 0.5 * 10 ** -digits ? a.toExponential(1) : a.toFixed(digits);
  return (w < 0 ? "\u2212" : "+") + s;
}

/** Plain number for display; "–" for null/undefined/NaN. */
export function formatNumber(v: number | null | undefined, digits = 3): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "\u2013";
  if (v !== 0 && Math.abs(v) < 0.5 * 10 ** -digits) return v.toExponential(1);
  return v.toFixed(digits);
}
