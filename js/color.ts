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
/** From this intensity on a highlight counts as strong (bold weight in the view). */
export const STRONG_INTENSITY = 0.5;
/** WCAG AA contrast for body text. */
export const MIN_CONTRAST = 4.5;

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

/** Parse a computed CSS colour ("rgb(r, g, b)", "rgba(r, g, b, a)", "rgb(r g b / a)", "#rgb", "#rrggbb"). */
export function parseColor(css: string | null | undefined): RGBA | null {
  if (!css) return null;
  const s = css.trim().toLowerCase();
  if (s === "transparent") return [0, 0, 0, 0];
  const hex = /^#([0-9a-f]{3}|[0-9a-f]{6})$/.exec(s);
  if (hex) {
    const x = hex[1].length === 3 ? hex[1].split("").map((c) => c + c).join("") : hex[1];
    return [parseInt(x.slice(0, 2), 16), parseInt(x.slice(2, 4), 16), parseInt(x.slice(4, 6), 16), 1];
  }
  // color-mix() and other modern colours compute to "color(srgb r g b / a)", channels in 0..1
  const srgb = /^color\(srgb ([^)]*)\)$/.exec(s);
  if (srgb) {
    const t = srgb[1].split(/[\s/]+/).filter(Boolean).map(Number);
    if (t.length < 3 || t.slice(0, 3).some((v) => !Number.isFinite(v))) return null;
    const alpha = t.length > 3 && Number.isFinite(t[3]) ? Math.min(1, Math.max(0, t[3])) : 1;
    return [t[0] * 255, t[1] * 255, t[2] * 255, alpha];
  }
  const m = /^rgba?\(([^)]*)\)$/.exec(s);
  if (!m) return null;
  const tokens = m[1].split(/[\s,/]+/).filter(Boolean);
  const num = (t: string, scale: number): number => (t.endsWith("%") ? (parseFloat(t) / 100) * scale : parseFloat(t));
  const rgb = tokens.slice(0, 3).map((t) => num(t, 255));
  if (rgb.length < 3 || rgb.some((v) => !Number.isFinite(v))) return null;
  const a = tokens.length > 3 ? num(tokens[3], 1) : 1;
  return [rgb[0], rgb[1], rgb[2], Number.isFinite(a) ? Math.min(1, Math.max(0, a)) : 1];
}

/** `top` (with its alpha) painted over an opaque `bottom`. */
export function composite(top: RGBA, bottom: RGB): RGB {
  const a = top[3];
  return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a)];
}

/** WCAG relative luminance of an sRGB colour (0..255 channels). */
export function luminance(c: RGB): number {
  const lin = (v: number): number => {
    const x = v / 255;
    return x <= 0.04045 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

/** WCAG contrast ratio of two opaque colours (1..21). */
export function contrastRatio(a: RGB, b: RGB): number {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

export const BLACK: RGB = [0, 0, 0];
export const WHITE: RGB = [255, 255, 255];

/**
 * Black or white, whichever reads better on `bg`. One of the two always reaches at
 * least 4.58:1 (the worst background, luminance ~0.18, gives both that ratio).
 */
export function readableOn(bg: RGB): RGB {
  return contrastRatio(BLACK, bg) >= contrastRatio(WHITE, bg) ? BLACK : WHITE;
}

/**
 * The opaque colour an element's background shows: its own background composited over
 * its ancestors' down to the first opaque one (the page's white when none is).
 */
export function renderedBackground(el: Element | null): RGB {
  const layers: RGBA[] = [];
  for (let node = el; node; node = node.parentElement) {
    const c = parseColor(getComputedStyle(node).backgroundColor);
    if (!c || c[3] <= 0) continue;
    layers.push(c);
    if (c[3] >= 1) break;
  }
  let out: RGB = WHITE;
  for (let i = layers.length - 1; i >= 0; i--) out = composite(layers[i], out);
  return out;
}

/** CSS text colour for a word highlighted with `rgba` over the panel colour `panel`. */
export function textColorFor(rgba: RGBA, panel: RGB): string {
  const [r, g, b] = readableOn(composite(rgba, panel));
  return `rgb(${r}, ${g}, ${b})`;
}
