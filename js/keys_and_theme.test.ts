// @vitest-environment jsdom
// Issue 12: Enter commits the number fields, every focusable element keeps the notebook's
// shortcuts away, the status line only shows while something happens, text colours on
// highlighted words read at >= 4.5:1 whatever the panel colour, the image view says why
// a sign mode shows nothing, and the entry module exports no `render` of its own.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  BLACK, composite, contrastRatio, MAX_ALPHA, NEGATIVE_RGB, parseColor, POSITIVE_RGB, readableOn, type RGB, WHITE,
} from "./color";
import { SUPPRESS_SHORTCUTS } from "./dom";
import * as reviewModule from "./review";
import { fit, FakeModel, imageExplanation, imageTraits, stateFor, textState, tick } from "./test_support";
import * as widgetModule from "./widget";
import widget from "./widget";

let cleanup: (() => void) | null = null;
beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation(() => null);
});
afterEach(() => {
  cleanup?.();
  cleanup = null;
  vi.restoreAllMocks();
  document.body.replaceChildren();
});

function mount(state: Record<string, unknown> = textState()) {
  const model = new FakeModel(state);
  const el = document.createElement("div");
  document.body.appendChild(el);
  cleanup = widget.render({ model, el });
  const q = (sel: string) => Array.from(el.querySelectorAll<HTMLElement>(sel));
  return { model, el, q };
}

function pressEnter(input: HTMLInputElement): KeyboardEvent {
  const e = new KeyboardEvent("keydown", { key: "Enter", bubbles: true, cancelable: true });
  input.dispatchEvent(e);
  return e;
}

describe("Enter in a number field", () => {
  it("commits num_features, num_samples and the kernel width without a change event", () => {
    const { model, q } = mount();
    const features = q('[data-testid="lw-num-features"]')[0] as HTMLInputElement;
    features.value = "2";
    expect(pressEnter(features).defaultPrevented).toBe(true);
    expect(model.saved.at(-1)).toEqual({ num_features: 2 });

    const samples = q('[data-testid="lw-num-samples"]')[0] as HTMLInputElement;
    samples.value = "800";
    pressEnter(samples);
    expect(model.saved.at(-1)).toEqual({ num_samples: 800 });

    const kernel = q('[data-testid="lw-kernel-width"]')[0] as HTMLInputElement;
    kernel.value = "12.5";
    pressEnter(kernel);
    expect(model.saved.at(-1)).toEqual({ kernel_width: 12.5 });
  });

  it("sends one request when Enter is followed by the blur's change event", async () => {
    const { model, q } = mount();
    const features = q('[data-testid="lw-num-features"]')[0] as HTMLInputElement;
    features.value = "2";
    pressEnter(features);
    await tick();
    features.dispatchEvent(new Event("change"));
    expect(model.saved.filter((s) => "num_features" in s)).toEqual([{ num_features: 2 }]);
  });

  it("ignores Enter on an invalid value", () => {
    const { model, q } = mount();
    const samples = q('[data-testid="lw-num-samples"]')[0] as HTMLInputElement;
    samples.value = "-3";
    pressEnter(samples);
    expect(model.saved).toEqual([]);
  });
});

describe("notebook shortcuts", () => {
  it("every focusable element carries the suppression attribute (text and image views)", async () => {
    for (const state of [textState(), stateFor(imageExplanation(), { label: 1, num_features: 4, num_features_max: 4, ...imageTraits(8) })]) {
      const { el } = mount(state);
      await tick();
      const focusable = Array.from(el.querySelectorAll<HTMLElement>("button, input, select, textarea, summary, a, [tabindex]"));
      expect(focusable.length).toBeGreaterThan(8);
      const missing = focusable.filter((e) => e.getAttribute(SUPPRESS_SHORTCUTS) !== "true").map((e) => e.outerHTML.slice(0, 80));
      expect(missing).toEqual([]);
      cleanup?.();
      cleanup = null;
    }
  });
});

describe("status line", () => {
  it("is hidden while idle (the test hook keeps its value) and shown while computing or failed", async () => {
    const { model, q } = mount();
    const line = q('[data-testid="lw-status-line"]')[0];
    expect(q('[data-testid="lw-status"]')[0].textContent).toBe("idle");
    expect(line.hidden).toBe(true);
    expect(line.textContent).not.toMatch(/Status/);
    model.push({ status: "computing", progress: 0.3 });
    await tick();
    expect(line.hidden).toBe(false);
    model.push({ status: "error", error: "boom" });
    await tick();
    expect(line.hidden).toBe(false);
    model.push({ status: "idle", error: "" });
    await tick();
    expect(line.hidden).toBe(true);
  });
});

describe("contrast maths", () => {
  it("parses computed colours", () => {
    expect(parseColor("rgb(1, 2, 3)")).toEqual([1, 2, 3, 1]);
    expect(parseColor("rgba(255, 255, 255, 0.87)")).toEqual([255, 255, 255, 0.87]);
    expect(parseColor("rgb(10 20 30 / 50%)")).toEqual([10, 20, 30, 0.5]);
    expect(parseColor("#fff")).toEqual([255, 255, 255, 1]);
    expect(parseColor("transparent")).toEqual([0, 0, 0, 0]);
    expect(parseColor("color(srgb 1 0 0.5 / 0.25)")).toEqual([255, 0, 127.5, 0.25]);
    expect(parseColor("lab(50% 20 30)")).toBeNull();
  });

  it("gives WCAG's ratios", () => {
    expect(contrastRatio(BLACK, WHITE)).toBeCloseTo(21, 6);
    expect(contrastRatio([118, 118, 118], WHITE)).toBeCloseTo(4.54, 2); // #767676, the classic AA grey
  });

  it("black or white text reaches 4.5:1 on every highlight over light and dark panels", () => {
    const panels: RGB[] = [WHITE, [17, 17, 17], [33, 33, 33], [30, 30, 30], [66, 66, 66], [238, 238, 238], [128, 128, 128]];
    let worst = Infinity;
    for (const panel of panels) {
      for (const base of [POSITIVE_RGB, NEGATIVE_RGB]) {
        for (let i = 0; i <= 100; i++) {
          const bg = composite([base[0], base[1], base[2], (i / 100) * MAX_ALPHA], panel);
          worst = Math.min(worst, contrastRatio(readableOn(bg), bg));
        }
      }
    }
    expect(worst).toBeGreaterThanOrEqual(4.5);
  });
});

describe("image view, a class every superpixel speaks against", () => {
  it("says why Positive shows nothing, and the hint goes away in Negative mode", async () => {
    const exp = imageExplanation({ fits: { "1": fit([[2, -0.5], [0, -0.4], [3, -0.2], [1, -0.05]]) }, labels: [1] });
    const { q } = mount(stateFor(exp, { label: 1, num_features: 4, num_features_max: 4, ...imageTraits(8) }));
    await tick();
    const hint = q('[data-testid="lw-image-hint"]')[0];
    expect(hint.hidden).toBe(false);
    expect(hint.textContent).toMatch(/No superpixel supports class 1: all 4 explained superpixels weigh against it/);
    q('[data-testid="lw-sign-negative"]')[0].click();
    expect(hint.hidden).toBe(true);
    q('[data-testid="lw-sign-positive"]')[0].click();
    expect(hint.hidden).toBe(false);
  });

  it("shows no hint when something is selected", async () => {
    const { q } = mount(stateFor(imageExplanation(), { label: 1, num_features: 4, num_features_max: 4, ...imageTraits(8) }));
    await tick();
    expect(q('[data-testid="lw-image-hint"]')[0].hidden).toBe(true);
  });
});

describe("anywidget entry modules", () => {
  it("export a default { render } and no named render (anywidget's deprecation warning)", () => {
    expect("render" in widgetModule).toBe(false);
    expect("render" in reviewModule).toBe(false);
    expect(typeof widgetModule.default.render).toBe("function");
    expect(typeof reviewModule.default.render).toBe("function");
  });
});

describe("a value Python puts back", () => {
  // Python rejects the committed value and sets the control back (with the error): the
  // focused field shows the value the explanation on screen was fitted with, not the rejected one
  it("replaces the rejected value in the focused field (num_features, num_samples, kernel width)", async () => {
    const { model, q } = mount();
    const cases: Array<[string, string, string, number]> = [
      ["lw-kernel-width", "kernel_width", "1e-300", 25],
      ["lw-num-samples", "num_samples", "1", 5000],
      ["lw-num-features", "num_features", "2", 3],
    ];
    for (const [testid, trait, typed, shown] of cases) {
      const field = q(`[data-testid="${testid}"]`)[0] as HTMLInputElement;
      field.focus();
      field.value = typed;
      pressEnter(field);
      await tick();
      expect(document.activeElement).toBe(field);
      expect(field.value).toBe(typed); // while Python has not answered, the field keeps the request
      model.push({ [trait]: shown, error: `Could not set ${trait}=${typed}`, status: "error" });
      await tick();
      expect(document.activeElement).toBe(field);
      expect(field.value).toBe(String(shown));
      expect(model.get(trait as "num_features")).toBe(shown);
    }
  });

  it("never overwrites what the user is typing when something else changes", async () => {
    const { model, q } = mount();
    const samples = q('[data-testid="lw-num-samples"]')[0] as HTMLInputElement;
    samples.focus();
    samples.value = "12"; // typing, not committed
    model.push({ progress: 0.5, status: "computing", uncertainty: {} });
    await tick();
    expect(samples.value).toBe("12");
  });
});
