// Image view: a canvas with the image, superpixel boundaries and the mask overlay.
// Pixels and superpixel ids arrive as binary buffers (`image`, `segments` traits); the
// overlay for another sign, count or "hide rest" is computed here, with no round trip.

import { BarChart, FocusInfo } from "./bars";
import { formatWeight } from "./color";
import { decodeArray, isBinary, type Decoded } from "./decode";
import { h, setAttr, setText } from "./dom";
import { boundaryMap, overlayRgba, pixelScale, segmentAt, selectSegments, type SignMode } from "./mask";
import { className, rankOf, weightOf } from "./resolve";
import type { BinaryArray } from "./types";
import { type View, type ViewContext } from "./view";

/** Default number of superpixels shown (lime's get_image_and_mask default). */
export const DEFAULT_SHOWN = 5;
/** Small images are scaled up to at least this CSS width. */
const MIN_CSS_WIDTH = 320;

interface DecodedImage {
  src: unknown;
  seg: unknown;
  height: number;
  width: number;
  channels: number;
  pixels: Decoded["values"];
  scale: number;
  segments: Decoded["values"];
  boundaries: Uint8Array;
}

/** Decode the `image` and `segments` traits and check they agree. */
export function decodeImage(image: BinaryArray, segments: BinaryArray): Omit<DecodedImage, "src" | "seg"> {
  const img = decodeArray(image);
  const seg = decodeArray(segments);
  if (img.shape.length < 2 || img.shape.length > 3) throw new Error(`image shape [${img.shape.join(", ")}] is not [h, w] or [h, w, c]`);
  const [height, width] = img.shape;
  const channels = img.shape.length === 3 ? img.shape[2] : 1;
  if (channels !== 1 && channels !== 3 && channels !== 4) throw new Error(`image has ${channels} channels (expected 1, 3 or 4)`);
  if (seg.shape.length !== 2 || seg.shape[0] !== height || seg.shape[1] !== width) {
    throw new Error(`segments shape [${seg.shape.join(", ")}] does not match the image [${height}, ${width}]`);
  }
  return {
    height,
    width,
    channels,
    pixels: img.values,
    scale: pixelScale(img.values, String(image.dtype)),
    segments: seg.values,
    boundaries: boundaryMap(seg.values, height, width),
  };
}

export class ImageView implements View {
  readonly element: HTMLElement;
  readonly canvas: HTMLCanvasElement;
  private readonly bars = new BarChart("Superpixels");
  private readonly info = new FocusInfo();
  private readonly hover: HTMLElement;
  private readonly problem: HTMLElement;
  private readonly hint: HTMLElement;
  private readonly signButtons = new Map<SignMode, HTMLButtonElement>();
  private readonly hideRest: HTMLInputElement;
  private readonly showBounds: HTMLInputElement;
  private readonly count: HTMLInputElement;
  private readonly countText: HTMLElement;
  private data: DecodedImage | null = null;
  private ctx: ViewContext | null = null;
  private sign: SignMode = "positive";
  private shown = DEFAULT_SHOWN;
  private hoverSeg = -1;

  constructor() {
    this.canvas = h("canvas", {
      class: "lw-canvas",
      "data-testid": "lw-superpixel-canvas",
      role: "img",
      "aria-label": "Image with the explanation's superpixels overlaid",
      width: 1,
      height: 1,
    });
    const seg = h("div", { class: "lw-seg", role: "group", "aria-label": "Superpixels coloured" });
    const labels: Array<[SignMode, string]> = [["positive", "Positive"], ["negative", "Negative"], ["both", "Both"]];
    for (const [mode, text] of labels) {
      const b = h("button", { type: "button", "data-testid": `lw-sign-${mode}`, "data-sign": mode, "aria-pressed": "false" }, text);
      b.addEventListener("click", () => {
        this.sign = mode;
        this.redraw();
      });
      this.signButtons.set(mode, b);
      seg.appendChild(b);
    }
    this.hideRest = h("input", { type: "checkbox", "data-testid": "lw-hide-rest" });
    this.hideRest.addEventListener("change", () => this.redraw());
    this.showBounds = h("input", { type: "checkbox", checked: true, "data-testid": "lw-boundaries" });
    this.showBounds.addEventListener("change", () => this.redraw());
    this.count = h("input", { type: "range", class: "lw-range", min: 1, max: 1, step: 1, "aria-label": "Superpixels shown", "data-testid": "lw-shown" });
    this.countText = h("span", { class: "lw-note" });
    this.count.addEventListener("input", () => {
      this.shown = Number(this.count.value);
      this.redraw();
    });
    this.hover = h("div", { class: "lw-note", "aria-live": "off" });
    this.problem = h("div", { class: "lw-empty", hidden: true });
    this.hint = h("div", { class: "lw-image-hint", "data-testid": "lw-image-hint", role: "status", hidden: true });

    this.canvas.addEventListener("mousemove", (e) => this.onPointer(e, false));
    this.canvas.addEventListener("click", (e) => this.onPointer(e, true));
    this.canvas.addEventListener("mouseleave", () => {
      this.hoverSeg = -1;
      setText(this.hover, "");
    });

    this.element = h(
      "div",
      { class: "lw-view lw-image-view" },
      h(
        "div",
        { class: "lw-panel lw-main" },
        h(
          "div",
          { class: "lw-image-controls" },
          seg,
          h("label", { class: "lw-row" }, this.hideRest, "Hide rest"),
          h("label", { class: "lw-row" }, this.showBounds, "Boundaries"),
          h("label", { class: "lw-row" }, "Shown ", this.count),
          this.countText,
        ),
        this.hint,
        h("div", { class: "lw-canvas-wrap" }, this.canvas),
        this.problem,
        this.hover,
        this.info.element,
      ),
      h("div", { class: "lw-panel lw-side" }, this.bars.element),
    );
  }

  private onPointer(e: MouseEvent, click: boolean): void {
    const d = this.data;
    if (!d || !this.ctx) return;
    const rect = this.canvas.getBoundingClientRect();
    const sx = rect.width > 0 ? d.width / rect.width : 1;
    const sy = rect.height > 0 ? d.height / rect.height : 1;
    const s = segmentAt(d.segments, d.width, d.height, (e.clientX - rect.left) * sx, (e.clientY - rect.top) * sy);
    if (click) {
      if (s >= 0) this.ctx.setFocus(s);
      return;
    }
    if (s === this.hoverSeg) return;
    this.hoverSeg = s;
    setText(this.hover, s >= 0 ? this.describe(s) : "");
  }

  /** "superpixel 12: weight +0.034, rank 3 of 10" for hover and click. */
  describe(seg: number): string {
    if (!this.ctx) return "";
    const fit = this.ctx.resolved.fit;
    const w = weightOf(fit, seg);
    if (w === undefined) return `superpixel ${seg}: not among the ${fit.weights.length} explained`;
    return `superpixel ${seg}: weight ${formatWeight(w)}, rank ${rankOf(fit, seg)} of ${fit.weights.length}`;
  }

  private ensureData(model: ViewContext["model"]): void {
    const src = model.get("image");
    const seg = model.get("segments");
    if (this.data && this.data.src === src && this.data.seg === seg) return;
    this.data = null;
    // `{}` until Python sends the image with the explanation
    if (!isBinary(src) || !isBinary(seg)) {
      this.problem.hidden = false;
      setText(this.problem, "Waiting for the image\u2026");
      return;
    }
    try {
      this.data = { src, seg, ...decodeImage(src, seg) };
      this.problem.hidden = true;
      this.canvas.width = this.data.width;
      this.canvas.height = this.data.height;
      const k = this.data.width < MIN_CSS_WIDTH ? Math.ceil(MIN_CSS_WIDTH / this.data.width) : 1;
      this.canvas.style.width = `${this.data.width * k}px`;
    } catch (err) {
      this.problem.hidden = false;
      setText(this.problem, `Cannot show the image: ${(err as Error).message}`);
    }
  }

  update(ctx: ViewContext): void {
    this.ctx = ctx;
    this.ensureData(ctx.model);
    const n = ctx.resolved.fit.weights.length;
    setAttr(this.count, "max", String(Math.max(1, n)));
    this.shown = Math.max(1, Math.min(this.shown, Math.max(1, n)));
    this.count.value = String(this.shown);
    this.bars.update(ctx, (fid) => String(ctx.exp.feature_names?.[fid] ?? fid));
    this.redraw();
  }

  /** Recompute the overlay from local state (sign, count, hide rest) and draw it. */
  redraw(): void {
    const ctx = this.ctx;
    if (!ctx) return;
    for (const [mode, b] of this.signButtons) setAttr(b, "aria-pressed", mode === this.sign ? "true" : "false");
    const selected = selectSegments(ctx.resolved.fit.weights, this.shown, this.sign);
    setText(this.countText, `${selected.size} of ${ctx.resolved.fit.weights.length}`);
    const why = emptySelectionHint(ctx, this.sign, selected.size);
    this.hint.hidden = !why;
    setText(this.hint, why);
    setAttr(this.canvas, "data-selected", Array.from(selected.keys()).join(","));
    setAttr(this.canvas, "data-sign", this.sign);
    setAttr(this.canvas, "data-hide-rest", this.hideRest.checked ? "true" : "false");
    this.bars.setFocused(ctx.focused);
    this.info.update(ctx, (fid) => `superpixel ${fid}`, "Hover or click a superpixel to see its weight (Escape clears).");
    const d = this.data;
    if (!d) return;
    const rgba = overlayRgba(d.pixels, d.channels, d.segments, d.height, d.width, selected, {
      hideRest: this.hideRest.checked,
      boundaries: d.boundaries,
      showBoundaries: this.showBounds.checked,
      focused: ctx.focused,
      scale: d.scale,
    });
    let g: CanvasRenderingContext2D | null = null;
    try {
      g = this.canvas.getContext("2d");
    } catch {
      g = null; // no 2D canvas (e.g. jsdom)
    }
    if (!g) return;
    const img = g.createImageData(d.width, d.height);
    img.data.set(rgba);
    g.putImageData(img, 0, 0);
  }
}

/**
 * Why a sign mode shows no superpixel although some are explained (all weights have the
 * other sign, e.g. a class that every region speaks against); "" when something is shown.
 */
export function emptySelectionHint(ctx: ViewContext, sign: SignMode, shown: number): string {
  const weights = ctx.resolved.fit.weights;
  if (shown > 0 || weights.length === 0 || sign === "both") return "";
  const cls = ctx.exp.mode === "regression" ? "the prediction" : className(ctx.exp, ctx.resolved.label);
  const n = weights.length;
  const zero = weights.every(([, w]) => w === 0);
  if (zero) return `All ${n} explained superpixels have weight 0 for ${cls}: nothing to highlight.`;
  return sign === "positive"
    ? `No superpixel supports ${cls}: all ${n} explained superpixels weigh against it. Choose \u201cNegative\u201d or \u201cBoth\u201d to see them.`
    : `No superpixel speaks against ${cls}: all ${n} explained superpixels support it. Choose \u201cPositive\u201d or \u201cBoth\u201d to see them.`;
}
