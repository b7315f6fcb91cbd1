// @vitest-environment jsdom
// The offline pages' entries (js/export_bootstrap.ts, js/global_export_bootstrap.ts) as a
// page runs them: the state in #lw-state as Python writes it (binary traits as base64),
// rendered into #lw-root with no kernel.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  fit, imageExplanation, imageTraits, stateFor, textExplanation, tick, XSS_IMG, XSS_SCRIPT,
} from "../test_support";
import type { BinaryArray, ExplanationTraits } from "../types";
import explanationWidget from "../widget";
import { bytesFromBase64, decodeBuffers } from "./buffers";
import { ReplayModel } from "./model";
import { mountPage } from "./page";

beforeEach(() => {
  // jsdom has no 2D canvas: enough of one for the image view to draw into
  const fake = {
    createImageData: (w: number, h: number) => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 4) }),
    putImageData: () => undefined,
  };
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockImplementation(() => fake as unknown as CanvasRenderingContext2D);
});
afterEach(() => {
  vi.restoreAllMocks();
  document.body.replaceChildren();
  document.body.removeAttribute("data-lw-ready");
});

const q = (sel: string) => Array.from(document.querySelectorAll<HTMLElement>(sel));

/** A binary trait as lime_widget/widget/serialization.py base64_buffer writes it. */
function base64Of(arr: BinaryArray): { data_b64: string; dtype: string; shape: number[] } {
  const view = arr.data as DataView;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return { data_b64: btoa(String.fromCharCode(...bytes)), dtype: arr.dtype, shape: arr.shape };
}

/** The page export.py writes: an empty #lw-root and the JSON state (its text exactly `json`). */
function page(json: string): void {
  const root = document.createElement("div");
  root.id = "lw-root";
  const state = document.createElement("script");
  state.type = "application/json";
  state.id = "lw-state";
  state.textContent = json;
  document.body.append(root, state);
}

async function load(entry: "explanation" | "global"): Promise<void> {
  vi.resetModules(); // each entry mounts its page when loaded
  if (entry === "explanation") await import("../export_bootstrap");
  else await import("../global_export_bootstrap");
  for (let i = 0; i < 20 && !document.body.hasAttribute("data-lw-ready"); i++) await tick();
}

describe("decodeBuffers", () => {
  it("turns base64 arrays into DataViews over their bytes and leaves the rest alone", () => {
    const traits = { image: { data_b64: btoa(String.fromCharCode(1, 2, 3, 250)), dtype: "uint8", shape: [2, 2] }, label: 1, explanation: {} };
    const out = decodeBuffers(traits);
    const image = out.image as BinaryArray;
    expect(image.data).toBeInstanceOf(DataView);
    expect(Array.from(new Uint8Array((image.data as DataView).buffer))).toEqual([1, 2, 3, 250]);
    expect(image.dtype).toBe("uint8");
    expect(image.shape).toEqual([2, 2]);
    expect(out.label).toBe(1);
    expect(out.explanation).toBe(traits.explanation);
    expect(typeof (traits.image as { data_b64?: string }).data_b64).toBe("string"); // the input is not changed
    expect(Array.from(bytesFromBase64(""))).toEqual([]);
  });
});

describe("explanation page (export_bootstrap.ts)", () => {
  it("decodes the image and its superpixels from base64 and draws them", async () => {
    const { image, segments } = imageTraits(0) as { image: BinaryArray; segments: BinaryArray };
    const traits = stateFor(imageExplanation(), {
      label: 1, num_features: 4, num_features_max: 4, offline: true, image: base64Of(image), segments: base64Of(segments),
    });
    page(JSON.stringify({ traits }));
    await load("explanation");
    expect(document.body.getAttribute("data-lw-ready")).toBe("true");
    const canvas = q('[data-testid="lw-superpixel-canvas"]')[0] as HTMLCanvasElement;
    expect([canvas.width, canvas.height]).toEqual([4, 4]);
    expect(canvas.dataset.selected).toBe("2,3"); // the int32 superpixels decoded: the positive ones
    expect(q('[data-testid="lw-error"]')[0].hidden).toBe(true);
  });

  it("shows words, feature and class names as text, never as markup", async () => {
    const exp = textExplanation({
      class_names: [XSS_SCRIPT, XSS_IMG],
      feature_names: [XSS_IMG, "movie", "plot", "but", "bad", "acting"],
      domain: { text: `${XSS_IMG} movie`, pieces: [[XSS_IMG, 0], [" ", -1], ["movie", 1]], bow: true, char_level: false },
    });
    page(JSON.stringify({ traits: stateFor(exp, { offline: true }) }));
    await load("explanation");
    expect(document.body.getAttribute("data-lw-ready")).toBe("true");
    const root = document.getElementById("lw-root")!;
    expect(root.querySelector("img, script")).toBeNull();
    expect(q('[data-testid="lw-word"]')[0].textContent).toBe(XSS_IMG);
    expect(root.textContent).toContain(XSS_SCRIPT);
  });

  it("says in the page, as text, why a page cannot be shown", async () => {
    page(JSON.stringify({ state: { label: XSS_IMG } }));
    const model = vi.fn();
    await expect(mountPage(explanationWidget, model, "explanation")).rejects.toThrow('no "traits" object');
    expect(model).not.toHaveBeenCalled();
    expect(document.body.getAttribute("data-lw-ready")).toBe("error");
    const pre = document.querySelector("#lw-root pre")!;
    expect(pre.textContent).toContain('lime-widget: could not render this explanation: Error: the page\'s state (#lw-state) has no "traits" object');
  });
});

describe("ReplayModel (the kernel's part, from the exported fits)", () => {
  function model(): ReplayModel {
    const offline = { "0": { "1": fit([[0, -0.4]]), "2": fit([[0, -0.4], [4, 0.3]]) }, "1": { "1": fit([[0, 0.4]]), "2": fit([[0, 0.4], [4, -0.3]]) } };
    const exp = textExplanation({ labels: [0, 1], fits: { "0": offline["0"]["1"], "1": offline["1"]["1"] }, offline });
    return new ReplayModel(stateFor(exp, { num_features: 1, num_features_max: 2, offline: true }) as unknown as ExplanationTraits);
  }
  const explanation = (m: ReplayModel) => m.get("explanation") as ReturnType<typeof textExplanation>;

  it("answers a num_features change with the precomputed fits of that size, capped at the maximum", () => {
    const m = model();
    const changes: string[] = [];
    m.on("change:explanation", () => changes.push("explanation"));
    m.set("num_features", 5);
    m.save_changes();
    expect(m.get("num_features")).toBe(2);
    expect(explanation(m).fits["1"].weights).toEqual([[0, 0.4], [4, -0.3]]);
    expect(explanation(m).settings.num_features).toBe(2);
    expect(changes).toEqual(["explanation"]);
    expect(m.get("status")).toBe("idle");
  });

  it("refuses a class that was not exported and the controls that need Python", () => {
    const m = model();
    m.set("label", 2);
    m.save_changes();
    expect([m.get("status"), m.get("error")]).toEqual(["error", "Class 2 was not explained in this exported file."]);
    m.set("label", 0);
    m.save_changes();
    expect([m.get("status"), m.get("error")]).toEqual(["idle", ""]);
    m.set("kernel_width", 3);
    m.save_changes();
    expect(m.get("kernel_width")).toBe(25); // back to the exported value
    expect(m.get("error")).toBe("Changing kernel_width needs a running Python kernel; this is an exported file.");
  });
});

describe("global view page (global_export_bootstrap.ts)", () => {
  it("decodes the weights and colours and draws the strips with no kernel", async () => {
    const weights = Float32Array.from([0.4, -0.2, -0.3, NaN, 0.1, 0.05, -0.4, 0.2, 0.3, NaN, -0.1, -0.05]);
    const colors = Float32Array.from([0, 1, 0.5, NaN, 1, 0]);
    const b64 = (a: Float32Array, shape: number[]) => base64Of({ data: new DataView(a.buffer), dtype: "float32", shape });
    const traits = {
      ...stateFor(textExplanation(), { explanation: {}, offline: true }),
      summary: {
        mode: "classification", modality: "tabular", n_rows: 3, n_failed: 1, labels: [0, 2], class_names: ["no", XSS_IMG],
        features: ["age", XSS_SCRIPT], importance: [[0.27, 0.083], [0.27, 0.083]], ranking: [[0, 1], [0, 1]],
        row_ids: ["a", "b", "d"], positions: [0, 1, 3], picked: [2], color_kind: "value",
      },
      weights: b64(weights, [2, 3, 2]), colors: b64(colors, [3, 2]), global_label: 0, selected: -1, selection_error: "",
    };
    page(JSON.stringify({ traits }));
    await load("global");
    expect(document.body.getAttribute("data-lw-ready")).toBe("true");
    expect(q('[data-testid="lw-global-title"]')[0].textContent).toBe("3 rows (1 failed, left out): features by mean |weight| for class no");
    expect(q('[data-testid="lw-global"]')[0].getAttribute("data-dots")).toBe("5"); // the two NaN weights are no dots
    expect(document.querySelector("#lw-root img, #lw-root script")).toBeNull();
  });
});
