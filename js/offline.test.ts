// @vitest-environment jsdom
// The standalone HTML export: no kernel. Python's export replays precomputed fits through
// its own model object (the page's entry js/export_bootstrap.ts, run here as the page runs
// it); an embedder may instead put `explanation.offline` fits in the payload.
import { afterEach, describe, expect, it, vi } from "vitest";
import { FakeModel, fit, stateFor, tabularExplanation, textExplanation, tick } from "./test_support";
import type { ExplanationDict, Fit } from "./types";
import widget from "./widget";

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  document.body.replaceChildren();
});

const q = (sel: string) => Array.from(document.querySelectorAll<HTMLElement>(sel));
const ALL: Array<[number, number]> = [[2, -0.5], [3, 0.35], [0, 0.1], [1, -0.02]];
const ALL2: Array<[number, number]> = [[0, 0.6], [2, 0.2], [1, -0.1], [3, 0.01]];

describe("explanation.offline (fits embedded in the payload)", () => {
  function offlineExp(): ExplanationDict {
    const offline: Record<string, Record<string, Fit>> = { "0": {}, "2": {} };
    for (let k = 1; k <= 4; k++) {
      offline["0"][String(k)] = fit(ALL.slice(0, k));
      offline["2"][String(k)] = fit(ALL2.slice(0, k));
    }
    return tabularExplanation({ offline });
  }

  it("renders num_features and class changes from the embedded fits at once", async () => {
    const model = new FakeModel(stateFor(offlineExp(), { offline: false }));
    const el = document.createElement("div");
    document.body.appendChild(el);
    cleanup = widget.render({ model, el });
    const field = q('[data-testid="lw-num-features"]')[0] as HTMLInputElement;
    expect(field.min).toBe("1");
    expect(field.max).toBe("4");
    field.value = "4";
    field.dispatchEvent(new Event("change"));
    await tick();
    expect(q('[data-testid="lw-bar"]').length).toBe(4);
    expect(q('[data-testid="lw-status"]')[0].textContent).toBe("idle");
    const toggles = q('[data-testid="lw-class-toggle"]');
    expect(toggles.map((t) => (t as HTMLButtonElement).disabled)).toEqual([false, true, false]);
    toggles[2].click();
    await tick();
    expect(model.get("label")).toBe(2);
    expect(q('[data-testid="lw-bar"]').map((b) => b.dataset.fid)).toEqual(["0", "2", "1", "3"]);
    expect(q('[data-testid="lw-status"]')[0].textContent).toBe("idle");
    // disabled toggles cannot be chosen
    toggles[1].click();
    expect(model.get("label")).toBe(2);
  });
});

describe("HTML export page (export_bootstrap.ts)", () => {
  // the payload lime_widget/export.py writes: {"traits": {...}}, explanation.offline inside
  function exportState() {
    const w1: Array<[number, number]> = [[0, 0.4], [4, -0.3], [2, 0.1], [5, -0.05], [1, 0.02], [3, 0.01]];
    const w0: Array<[number, number]> = w1.map(([i, w]) => [i, -w]);
    const offline: Record<string, Record<string, Fit>> = { "0": {}, "1": {} };
    for (let k = 1; k <= 6; k++) {
      offline["0"][String(k)] = fit(w0.slice(0, k));
      offline["1"][String(k)] = fit(w1.slice(0, k));
    }
    const shown = textExplanation({ labels: [0, 1], fits: { "0": offline["0"]["3"], "1": offline["1"]["3"] }, offline });
    return {
      traits: {
        explanation: shown, image: {}, segments: {}, status: "idle", progress: 1, error: "", num_features_max: 6,
        offline: true, focused_feature: -1, num_features: 3, label: 1, kernel_width: 25, feature_selection: "auto",
        num_samples: 5000, uncertainty: {}, sample_until_stable: 0,
      },
    };
  }

  async function openPage() {
    const root = document.createElement("div");
    root.id = "lw-root";
    const state = document.createElement("script");
    state.type = "application/json";
    state.id = "lw-state";
    state.textContent = JSON.stringify(exportState());
    document.body.append(root, state);
    vi.resetModules(); // the entry mounts the page when it is loaded: load it afresh
    await import("./export_bootstrap");
    for (let i = 0; i < 20 && !document.body.hasAttribute("data-lw-ready"); i++) await tick();
    expect(document.body.getAttribute("data-lw-ready")).toBe("true");
  }
  afterEach(() => document.body.removeAttribute("data-lw-ready"));

  it("changes num_features and class without a kernel", async () => {
    await openPage();
    expect(q('[data-testid="lw-bar"]').length).toBe(3);
    const field = q('[data-testid="lw-num-features"]')[0] as HTMLInputElement;
    field.value = "5";
    field.dispatchEvent(new Event("change"));
    await tick();
    expect(q('[data-testid="lw-bar"]').length).toBe(5);
    expect(q('[data-testid="lw-status"]')[0].textContent).toBe("idle");
    q('[data-testid="lw-class-toggle"]')[0].click();
    await tick();
    expect(q('[data-testid="lw-class-toggle"]')[0].getAttribute("aria-pressed")).toBe("true");
    expect(q('[data-testid="lw-bar"]')[0].dataset.weight).toBe("-0.4");
    expect(q('[data-testid="lw-error"]')[0].hidden).toBe(true);
    q('[data-testid="lw-word"]')[0].click();
    await tick();
    expect(q('[data-testid="lw-word"][aria-pressed="true"]').length).toBe(2);
  });

  it("disables the controls that need Python", async () => {
    await openPage();
    for (const label of ["Number of samples", "Kernel width", "Feature selection"]) {
      const el = q(`[aria-label="${label}"]`)[0] as HTMLInputElement;
      expect(el.disabled).toBe(true);
    }
    expect(document.body.textContent).toContain("Exported view");
  });
});
