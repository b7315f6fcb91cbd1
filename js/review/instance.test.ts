// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from "vitest";
import { XSS_IMG } from "../test_support";
import { renderInstance, rgbaFromPixels } from "./instance";

afterEach(() => vi.restoreAllMocks());

describe("row instance", () => {
  it("expands RGB, grey and RGBA pixels to RGBA", () => {
    expect(Array.from(rgbaFromPixels([1, 2, 3, 4, 5, 6], 1, 2, 3))).toEqual([1, 2, 3, 255, 4, 5, 6, 255]);
    expect(Array.from(rgbaFromPixels([7, 9], 2, 1, 1))).toEqual([7, 7, 7, 255, 9, 9, 9, 255]);
    expect(Array.from(rgbaFromPixels([1, 2, 3, 40], 1, 1, 4))).toEqual([1, 2, 3, 40]);
    expect(() => rgbaFromPixels([1, 2], 1, 1, 3)).toThrow(/expected 3/);
  });

  it("shows tabular values and text as text, never as markup", () => {
    const table = renderInstance({ kind: "tabular", columns: ["colour", XSS_IMG], values: ["red", XSS_IMG] }, {});
    expect(Array.from(table.querySelectorAll("th")).map((t) => t.textContent)).toEqual(["colour", XSS_IMG]);
    expect(table.querySelector("img")).toBeNull();
    const text = renderInstance({ kind: "text", text: `a ${XSS_IMG} b`, truncated: true }, {});
    expect(text.querySelector(".lw-review-text")!.textContent).toBe(`a ${XSS_IMG} b`);
    expect(text.querySelector("img")).toBeNull();
    expect(text.textContent).toContain("cut short");
  });

  it("draws an image on a canvas of the image's size", () => {
    const drawn: Uint8ClampedArray[] = [];
    // jsdom has no 2D canvas: a stand-in that records what is drawn
    const fake = {
      createImageData: (w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }),
      putImageData: (img: { data: Uint8ClampedArray }) => drawn.push(img.data.slice()),
    };
    vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation(() => fake as unknown as CanvasRenderingContext2D);
    const px = new Uint8Array(2 * 3 * 3).fill(9);
    const box = renderInstance({ kind: "image", height: 2, width: 3 }, { data: new DataView(px.buffer), dtype: "uint8", shape: [2, 3, 3] });
    const canvas = box.querySelector("canvas")!;
    expect([canvas.width, canvas.height]).toEqual([3, 2]);
    expect(Array.from(drawn[0].slice(0, 4))).toEqual([9, 9, 9, 255]);
    const bad = renderInstance({ kind: "image", height: 2, width: 3 }, { data: new DataView(px.buffer, 0, 5), dtype: "uint8", shape: [2, 3, 3] });
    expect(bad.textContent).toContain("Cannot show the image");
  });
});
