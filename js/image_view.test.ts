// @vitest-environment jsdom
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BOUNDARY_RGB, FOCUS_RGB } from "./mask";
import { FakeModel, imageExplanation, imageTraits, offsetView, stateFor, tick } from "./test_support";
import widget from "./widget";

let cleanup: (() => void) | null = null;
let drawn: Uint8ClampedArray[] = [];

beforeEach(() => {
  drawn = [];
  // jsdom has no 2D canvas: a stand-in that records what is drawn
  const fake = {
    createImageData: (w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }),
    putImageData: (img: { data: Uint8ClampedArray }) => drawn.push(img.data.slice()),
  };
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation(() => fake as unknown as CanvasRenderingContext2D);
});
afterEach(() => {
  cleanup?.();
  cleanup = null;
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

function mount(extra: Record<string, unknown> = {}) {
  const exp = imageExplanation();
  const model = new FakeModel(stateFor(exp, { label: 1, num_features: 4, num_features_max: 4, ...imageTraits(8), ...extra }));
  const el = document.createElement("div");
  document.body.appendChild(el);
  cleanup = widget.render({ model, el });
  const q = (sel: string) => Array.from(el.querySelectorAll<HTMLElement>(sel));
  const canvas = el.querySelector<HTMLCanvasElement>('[data-testid="lw-superpixel-canvas"]')!;
  return { model, el, q, canvas };
}

const px = (data: Uint8ClampedArray, x: number, y: number) => Array.from(data.slice((y * 4 + x) * 4, (y * 4 + x) * 4 + 4));

describe("image view", () => {
  it("draws the image decoded from buffers with a non-zero byteOffset, positive superpixels tinted", () => {
    const { canvas, q } = mount();
    expect(canvas).not.toBeNull();
    expect(canvas.width).toBe(4);
    expect(canvas.height).toBe(4);
    expect(canvas.dataset.selected).toBe("2,3"); // positive weights, largest first
    const last = drawn.at(-1)!;
    expect(px(last, 0, 0)).toEqual([45, 50, 54, 255]); // superpixel 0: negative, dimmed (not selected)
    expect(px(last, 0, 3)[0]).toBeGreaterThan(150); // superpixel 2: orange
    expect(px(last, 1, 2)).toEqual([...BOUNDARY_RGB, 255]); // edge of selected superpixel 2: outlined
    expect(px(last, 1, 1)).not.toEqual([...BOUNDARY_RGB, 255]); // edge between unselected ones: faint
    expect(px(last, 1, 1)[0]).toBeGreaterThan(px(last, 0, 0)[0]);
    expect(q('[data-testid="lw-status"]')[0].textContent).toBe("idle"); // 100000 features capped at 4
    expect(q('[data-testid="lw-bar"]').length).toBe(4);
  });

  it("switches sign, count and hide-rest in JS, without a round trip", () => {
    const { model, canvas, q } = mount();
    const saves = model.saved.length;
    q('[data-testid="lw-sign-negative"]')[0].click();
    expect(canvas.dataset.selected).toBe("0,1");
    expect(q('[data-testid="lw-sign-negative"]')[0].getAttribute("aria-pressed")).toBe("true");
    q('[data-testid="lw-sign-both"]')[0].click();
    expect(canvas.dataset.selected).toBe("2,0,3,1");
    const shown = q('[data-testid="lw-shown"]')[0] as HTMLInputElement;
    expect(shown.max).toBe("4");
    shown.value = "2";
    shown.dispatchEvent(new Event("input"));
    expect(canvas.dataset.selected).toBe("2,0");
    const hide = q('[data-testid="lw-hide-rest"]')[0] as HTMLInputElement;
    hide.checked = true;
    hide.dispatchEvent(new Event("change"));
    expect(px(drawn.at(-1)!, 3, 0)).toEqual([0, 0, 0, 255]); // superpixel 1 hidden
    expect(px(drawn.at(-1)!, 0, 0)[2]).toBeGreaterThan(120); // superpixel 0 blue
    const bounds = q('[data-testid="lw-boundaries"]')[0] as HTMLInputElement;
    bounds.checked = false;
    bounds.dispatchEvent(new Event("change"));
    expect(px(drawn.at(-1)!, 1, 2)).not.toEqual([...BOUNDARY_RGB, 255]);
    expect(model.saved.length).toBe(saves);
  });

  it("shows a superpixel's weight on hover and focuses it on click", async () => {
    const { model, el, canvas } = mount();
    vi.spyOn(canvas, "getBoundingClientRect").mockReturnValue({ left: 10, top: 20, width: 40, height: 40 } as DOMRect);
    canvas.dispatchEvent(new MouseEvent("mousemove", { clientX: 15, clientY: 55, bubbles: true }));
    expect(el.textContent).toContain("superpixel 2: weight +0.500, rank 1 of 4");
    canvas.dispatchEvent(new MouseEvent("click", { clientX: 45, clientY: 25, bubbles: true }));
    await tick();
    expect(model.get("focused_feature")).toBe(1);
    expect(model.saved.at(-1)).toEqual({ focused_feature: 1 });
    expect(px(drawn.at(-1)!, 2, 1)).toEqual([...FOCUS_RGB, 255]); // focused boundary
    expect(el.querySelector(".lw-focus-info")!.textContent).toContain("superpixel 1");
    expect(el.querySelector('[data-testid="lw-bar"][aria-pressed="true"]')!.getAttribute("data-feature")).toBe("1");
  });

  it("switches class from the toggles, using the label's fit", async () => {
    const { model, canvas, q } = mount();
    const toggles = q('[data-testid="lw-class-toggle"]');
    expect(toggles.map((t) => t.textContent)).toEqual(["class 00.30", "class 10.70"]);
    toggles[0].click();
    await tick();
    expect(model.get("label")).toBe(0);
    expect(canvas.dataset.selected).toBe("0,1");
    expect(q('[data-testid="lw-status"]')[0].textContent).toBe("idle");
  });

  it("reports buffers that do not match", () => {
    const bad = { data: offsetView(new Uint8Array(16), 4), dtype: "int32", shape: [2, 2] };
    const { el } = mount({ segments: bad });
    expect(el.textContent).toContain("Cannot show the image: segments shape [2, 2] does not match the image [4, 4]");
    expect(el.querySelector('[data-testid="lw-superpixel-canvas"]')).not.toBeNull();
  });
});
