// The row's instance as plain data (values, text or image), shown while its explanation
// is computing or when it failed (the explanation views show the instance otherwise).

import { decodeArray, isBinary } from "../decode";
import { h } from "../dom";
import type { Instance } from "./types";

/** Largest CSS width of the image preview. */
const MAX_CSS_WIDTH = 320;

/** RGBA bytes for ImageData from RGB (or grey / RGBA) uint8 pixels. */
export function rgbaFromPixels(values: ArrayLike<number>, height: number, width: number, channels: number): Uint8ClampedArray {
  const n = height * width;
  if (values.length !== n * channels) throw new Error(`expected ${n * channels} pixel values, got ${values.length}`);
  const out = new Uint8ClampedArray(n * 4);
  for (let i = 0; i < n; i++) {
    const src = i * channels;
    const r = values[src];
    out[i * 4] = r;
    out[i * 4 + 1] = channels >= 3 ? values[src + 1] : r;
    out[i * 4 + 2] = channels >= 3 ? values[src + 2] : r;
    out[i * 4 + 3] = channels === 4 ? values[src + 3] : 255;
  }
  return out;
}

/** A new element showing `instance` (`pixels`: the `row_image` trait for images). */
export function renderInstance(instance: Instance | undefined, pixels: unknown): HTMLElement {
  const box = h("div", { class: "lw-review-instance", "data-testid": "lw-review-instance" });
  if (!instance) return box;
  if (instance.kind === "tabular") {
    const rows = instance.columns.map((c, i) => h("tr", {}, h("th", { scope: "row" }, c), h("td", {}, instance.values[i] ?? "")));
    box.appendChild(h("table", { class: "lw-table" }, h("caption", {}, "Instance values"), h("tbody", {}, ...rows)));
  } else if (instance.kind === "text") {
    box.appendChild(h("div", { class: "lw-review-text" }, instance.text));
    if (instance.truncated) box.appendChild(h("div", { class: "lw-note" }, "(text cut short here; the explanation shows all of it)"));
  } else if (instance.kind === "image") {
    box.appendChild(renderImage(instance.height, instance.width, pixels));
  }
  return box;
}

function renderImage(height: number, width: number, pixels: unknown): HTMLElement {
  const canvas = h("canvas", { class: "lw-review-image", width, height, role: "img", "aria-label": `image, ${width} x ${height} pixels` });
  const scale = Math.min(1, MAX_CSS_WIDTH / Math.max(1, width));
  canvas.style.width = `${Math.round(width * Math.max(scale, width < 96 ? 3 : 1))}px`;
  canvas.style.imageRendering = "pixelated";
  if (!isBinary(pixels)) return canvas;
  try {
    const img = decodeArray(pixels);
    const channels = img.shape.length === 3 ? img.shape[2] : 1;
    const rgba = rgbaFromPixels(img.values, img.shape[0], img.shape[1], channels);
    const ctx = canvas.getContext("2d");
    // jsdom has no 2-D canvas; the pixel maths above is what the tests check
    if (ctx) {
      const image = ctx.createImageData(img.shape[1], img.shape[0]);
      image.data.set(rgba);
      ctx.putImageData(image, 0, 0);
    }
  } catch (err) {
    return h("div", { class: "lw-note" }, `Cannot show the image: ${(err as Error).message}`);
  }
  return canvas;
}
