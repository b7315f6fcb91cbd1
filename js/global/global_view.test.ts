// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import widget from "../global_view";
import { FakeModel, tick, XSS_IMG } from "../test_support";
import { DEFAULT_GEOMETRY, layoutDots } from "./layout";

// jsdom has no 2-D canvas (it logs "not implemented"); the view draws nothing then, and
// the drawing maths is tested in layout.test.ts
HTMLCanvasElement.prototype.getContext = (() => null) as never;

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  document.body.replaceChildren();
});

// 2 labels x 3 rows x 2 features
const WEIGHTS = Float32Array.from([0.4, -0.2, -0.3, NaN, 0.1, 0.05, -0.4, 0.2, 0.3, NaN, -0.1, -0.05]);
const COLORS = Float32Array.from([0, 1, 0.5, NaN, 1, 0]);

function state(extra: Record<string, unknown> = {}) {
  return {
    summary: {
      mode: "classification", modality: "tabular", n_rows: 3, n_failed: 1, labels: [0, 2], class_names: ["no", "yes"],
      features: ["age", XSS_IMG], importance: [[0.27, 0.083], [0.27, 0.083]], ranking: [[0, 1], [0, 1]],
      row_ids: ["a", "b", "d"], positions: [0, 1, 3], picked: [2], color_kind: "value",
    },
    weights: { data: new DataView(WEIGHTS.buffer), dtype: "float32", shape: [2, 3, 2] },
    colors: { data: new DataView(COLORS.buffer), dtype: "float32", shape: [3, 2] },
    global_label: 0, selected: -1, selection_error: "", offline: false,
    explanation: {}, status: "idle", error: "", label: 0, num_features: 2, num_features_max: 2,
    // the rest of the explanation view's traits, at the defaults GlobalView sends
    image: {}, segments: {}, progress: 1, uncertainty: {}, kernel_width: 1, feature_selection: "auto", num_samples: 0,
    focused_feature: -1, sample_until_stable: 0,
    ...extra,
  };
}

function mount(values = state()) {
  const model = new FakeModel(values);
  const el = document.createElement("div");
  document.body.appendChild(el);
  cleanup = widget.render({ model, el });
  const get = (id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`)!;
  return { model, el, get };
}

describe("global view", () => {
  it("renders a canvas with a summary, class toggles and no data in markup", () => {
    const { el, get } = mount();
    expect(get("lw-global-title").textContent).toBe("3 rows (1 failed, left out): features by mean |weight| for class no");
    const canvas = get("lw-global-canvas");
    expect(canvas.tagName).toBe("CANVAS");
    expect(canvas.getAttribute("tabindex")).toBe("0");
    expect(canvas.getAttribute("aria-label")).toContain("Weights of 3 rows for class no");
    expect(canvas.getAttribute("aria-label")).toContain("age (0.270)");
    expect(get("lw-global").getAttribute("data-dots")).toBe("5");
    expect(el.querySelector("img")).toBeNull(); // a feature name is never parsed as HTML
    const toggles = Array.from(el.querySelectorAll<HTMLButtonElement>(".lw-global-classes button"));
    expect(toggles.map((b) => [b.textContent, b.getAttribute("aria-pressed")])).toEqual([["no", "true"], ["yes", "false"]]);
    expect(get("lw-global-explanation").hidden).toBe(true);
    expect(el.textContent).toContain("Circled: the 1 picked row (e.g. a submodular pick's).");
  });

  it("opens the row under a click, by its position in the explanations", () => {
    const { model, get } = mount();
    const dots = layoutDots(WEIGHTS, 3, 2, 0, [0, 1], DEFAULT_GEOMETRY);
    const i = Array.from(dots.row).indexOf(2); // row index 2 is position 3 (position 2 failed)
    get("lw-global-canvas").dispatchEvent(new MouseEvent("click", { clientX: dots.x[i], clientY: dots.y[i], bubbles: true }));
    expect(model.saved.at(-1)).toEqual({ selected: 3 });
    get("lw-global-canvas").dispatchEvent(new MouseEvent("click", { clientX: 2, clientY: 2, bubbles: true }));
    expect(model.saved.length).toBe(1); // a miss opens nothing
  });

  it("moves between dots with the arrow keys and opens one with Enter", async () => {
    const { model, get } = mount();
    const canvas = get("lw-global-canvas");
    const key = (k: string) => canvas.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
    key("ArrowRight"); // first dot of the top strip: row b (-0.3)
    await tick();
    expect(get("lw-global-status").textContent).toBe("Row b, age: weight -0.300, value 50% of its range");
    key("ArrowRight");
    await tick();
    expect(get("lw-global-status").textContent).toBe("Row d, age: weight +0.100, value 100% of its range, picked");
    key("ArrowRight");
    await tick();
    expect(get("lw-global-status").textContent).toBe("Row a, age: weight +0.400, value 0% of its range");
    key("Enter");
    expect(model.saved.at(-1)).toEqual({ selected: 0 });
    model.push({ selected: 0 });
    await tick();
    expect(get("lw-global-row-head").hidden).toBe(false);
    expect(get("lw-global-row-head").textContent).toContain("Row a (position 0)");
    get("lw-global-close").click();
    expect(model.saved.at(-1)).toEqual({ selected: -1 });
  });

  it("switches class with the toggles and says offline that a row needs a kernel", async () => {
    const { model, el, get } = mount(state({ offline: true }));
    el.querySelectorAll<HTMLButtonElement>(".lw-global-classes button")[1].click();
    expect(model.get("global_label")).toBe(2);
    await tick();
    expect(get("lw-global-title").textContent).toContain("for class yes");
    expect(get("lw-global").getAttribute("data-label")).toBe("2");
    const canvas = get("lw-global-canvas");
    canvas.dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight" }));
    canvas.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter" }));
    await tick();
    expect(model.get("selected")).toBe(-1);
    expect(get("lw-global-error").hidden).toBe(false);
    expect(get("lw-global-error").textContent).toContain("needs a running Python kernel");
  });

  it("shows a selection error from Python and a display error for a bad buffer", async () => {
    const { model, get } = mount();
    model.push({ selected: 2, selection_error: "Could not open row at position 2: that row failed" });
    await tick();
    expect(get("lw-global-error").textContent).toBe("Could not open row at position 2: that row failed");
    expect(get("lw-global-explanation").hidden).toBe(true);
    model.push({ weights: { data: new ArrayBuffer(4), dtype: "float32", shape: [2, 3, 2] } });
    await tick();
    expect(get("lw-global-error").textContent).toContain("Display error");
  });

  it("removes its listeners on cleanup", () => {
    const { model } = mount();
    cleanup!();
    cleanup = null;
    expect(model.listenerCount()).toBe(0);
  });
});
