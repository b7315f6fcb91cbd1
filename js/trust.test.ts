// @vitest-environment jsdom
// How sure the shown weights are: whiskers, the uncertain look, the stability badge, the
// "Sample until stable" action, and the words a screen reader hears.
import { afterEach, describe, expect, it } from "vitest";
import { FakeModel, fit, imageExplanation, imageTraits, stateFor, tabularExplanation, textExplanation, tick, XSS_IMG } from "./test_support";
import { crossesZero, intervalSentence, stabilityText, trustFor } from "./trust";
import type { ExplanationDict, Uncertainty } from "./types";
import widget from "./widget";

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  document.body.replaceChildren();
});

/** Intervals for the tabular fixture's fit [[2, -0.5], [3, 0.35]]: the second crosses zero. */
function tabularTrust(over: Partial<Uncertainty> = {}): Uncertainty {
  return {
    label: 0,
    level: 0.95,
    stability: 0.93,
    num_samples: 5000,
    intervals: [[2, -0.5, -0.75, -0.25, 1.0], [3, 0.35, -0.05, 0.75, 0.6]],
    ...over,
  };
}

function mount(exp: ExplanationDict = tabularExplanation(), extra: Record<string, unknown> = {}) {
  const model = new FakeModel(stateFor(exp, extra));
  const el = document.createElement("div");
  document.body.appendChild(el);
  cleanup = widget.render({ model, el });
  const q = (sel: string) => Array.from(el.querySelectorAll<HTMLElement>(sel));
  return { model, el, q };
}

describe("trust data", () => {
  it("belongs to a fit only when features, order, weights and label match", () => {
    const f = fit([[2, -0.5], [3, 0.35]]);
    expect(trustFor(f, 0, tabularTrust())?.intervals.get(3)).toEqual({ low: -0.05, high: 0.75, frequency: 0.6 });
    expect(trustFor(f, 1, tabularTrust())).toBeNull(); // another label
    expect(trustFor(fit([[2, -0.5], [3, 0.36]]), 0, tabularTrust())).toBeNull(); // another fit
    expect(trustFor(fit([[3, 0.35], [2, -0.5]]), 0, tabularTrust())).toBeNull(); // another order
    expect(trustFor(fit([[2, -0.5]]), 0, tabularTrust())).toBeNull(); // another size
    expect(trustFor(f, 0, {}, null, "x", tabularTrust())?.stability).toBe(0.93); // first that fits
  });

  it("says in words when an interval crosses zero", () => {
    expect(crossesZero({ low: -0.1, high: 0.2, frequency: null })).toBe(true);
    expect(crossesZero({ low: 0.1, high: 0.2, frequency: null })).toBe(false);
    expect(intervalSentence({ low: -0.05, high: 0.75, frequency: 0.6 }, 0.95)).toBe(
      "95% interval \u22120.050 to +0.750 (crosses zero: uncertain, the sign of this weight could flip with another " +
        "sample; selected in 60% of resampled fits)",
    );
    expect(stabilityText(0.934, 5).text).toBe("Stability 0.93");
    expect(stabilityText(0.5, 5).title).toContain("unstable");
  });
});

describe("whiskers and the uncertain look", () => {
  it("draws no whisker until the intervals arrive, then one per bar", async () => {
    const { model, q } = mount();
    expect(q('[data-testid="lw-whisker"]').length).toBe(0);
    expect(q('[data-testid="lw-stability"]')[0].hidden).toBe(true);
    model.push({ uncertainty: tabularTrust() });
    await tick();
    const bars = q('[data-testid="lw-bar"]');
    const whiskers = bars.map((b) => b.querySelector<HTMLElement>('[data-testid="lw-whisker"]')!);
    expect(whiskers.every((w) => w !== null)).toBe(true);
    // one scale for bars and whiskers: the largest |end| (0.75) is the track's edge
    expect(parseFloat(whiskers[0].style.left)).toBeCloseTo(0, 5);
    expect(parseFloat(whiskers[0].style.width)).toBeCloseTo(100 / 3, 1);
    expect(parseFloat(whiskers[1].style.left)).toBeCloseTo(50 - (0.05 / 0.75) * 50, 1);
    expect(parseFloat(whiskers[1].style.left) + parseFloat(whiskers[1].style.width)).toBeCloseTo(100, 1);
    const fill = bars[0].querySelector<HTMLElement>(".lw-fill")!;
    expect(parseFloat(fill.style.width)).toBeCloseTo((0.5 / 0.75) * 50, 1);
    expect(bars.map((b) => [b.dataset.low, b.dataset.high])).toEqual([["-0.75", "-0.25"], ["-0.05", "0.75"]]);
  });

  it("marks a feature whose interval crosses zero as uncertain, in its tooltip and aria-label", async () => {
    const { model, q } = mount();
    model.push({ uncertainty: tabularTrust() });
    await tick();
    const [sure, unsure] = q('[data-testid="lw-bar"]');
    expect(sure.classList.contains("lw-uncertain")).toBe(false);
    expect(unsure.classList.contains("lw-uncertain")).toBe(true);
    expect(unsure.title).toContain("crosses zero: uncertain");
    expect(sure.title).not.toContain("uncertain");
    expect(sure.getAttribute("aria-label")).toBe(
      "petal length > 5.10: weight \u22120.500, rank 1, 95% interval \u22120.750 to \u22120.250; selected in 100% of resampled fits",
    );
    expect(unsure.getAttribute("aria-label")).toContain("95% interval \u22120.050 to +0.750 (crosses zero: uncertain");
    // the focus summary (aria-live) says it too
    unsure.click();
    await tick();
    expect(document.querySelector(".lw-focus-info")!.textContent).toContain("crosses zero");
  });

  it("drops intervals that belong to another fit (a late result)", async () => {
    const { model, q } = mount();
    model.push({ uncertainty: tabularTrust({ intervals: [[2, -0.4, -0.6, -0.2, 1], [3, 0.35, 0.1, 0.6, 1]] }) });
    await tick();
    expect(q('[data-testid="lw-whisker"]').length).toBe(0);
    expect(q('[data-testid="lw-stability"]')[0].hidden).toBe(true);
    expect(q(".lw-uncertain").length).toBe(0);
  });

  it("shows whiskers in the text and image views too", async () => {
    const text = textExplanation();
    const t = mount(text, {
      uncertainty: { label: 1, level: 0.9, stability: 0.5, intervals: [[0, 0.4, 0.3, 0.5, 1], [4, -0.3, -0.5, 0.1, 0.7], [2, 0.1, -0.1, 0.3, 0.4]] },
    });
    await tick();
    expect(t.q('[data-testid="lw-whisker"]').length).toBe(3);
    expect(t.q(".lw-uncertain").map((b) => b.dataset.feature)).toEqual(["bad", "plot"]);
    expect(t.q('[data-testid="lw-bar"]')[0].getAttribute("aria-label")).toContain("90% interval");
    cleanup?.();
    document.body.replaceChildren();
    const image = imageExplanation();
    const i = mount(image, {
      ...imageTraits(),
      label: 1,
      uncertainty: { label: 1, level: 0.95, stability: 0.8, intervals: image.fits["1"].weights.map(([f, w]) => [f, w, w - 0.1, w + 0.1, 1]) },
    });
    await tick();
    expect(i.q('[data-testid="lw-whisker"]').length).toBe(4);
    expect(i.q(".lw-uncertain").map((b) => b.dataset.fid)).toEqual(["1"]);
  });

  it("never parses feature names as HTML in tooltips", async () => {
    const exp = tabularExplanation({ feature_names: ["a", "b", XSS_IMG, "d"] });
    const { model, el } = mount(exp);
    model.push({ uncertainty: tabularTrust() });
    await tick();
    expect(el.querySelector("img")).toBeNull();
    expect(el.querySelector<HTMLElement>('[data-testid="lw-bar"]')!.title).toContain(XSS_IMG);
  });
});

describe("stability badge and sample until stable", () => {
  it("shows the stability next to R\u00b2 with its meaning in the title", async () => {
    const { model, q } = mount();
    model.push({ uncertainty: tabularTrust() });
    await tick();
    const badge = q('[data-testid="lw-stability"]')[0];
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe("Stability 0.93");
    expect(badge.parentElement!.textContent).toContain("R\u00b2 0.910");
    expect(badge.title).toContain("top 2 features");
    expect(badge.getAttribute("aria-label")).toBe(badge.title);
    expect(badge.classList.contains("lw-unstable")).toBe(false);
    model.push({ uncertainty: tabularTrust({ stability: 0.4 }) });
    await tick();
    expect(badge.classList.contains("lw-unstable")).toBe(true);
  });

  it("says when the stability could not be estimated", async () => {
    const { model, q } = mount();
    model.push({ uncertainty: { label: 0, error: "singular matrix" } });
    await tick();
    const badge = q('[data-testid="lw-stability"]')[0];
    expect(badge.textContent).toBe("Stability unknown");
    expect(badge.title).toContain("singular matrix");
  });

  it("asks Python for one adaptive run per click, and is disabled while one runs", async () => {
    const { model, q } = mount();
    const button = q('[data-testid="lw-sample-until-stable"]')[0] as HTMLButtonElement;
    expect(button.disabled).toBe(false);
    button.click();
    await tick();
    expect(model.saved.at(-1)).toEqual({ sample_until_stable: 1 });
    model.push({ status: "computing", progress: 0.2 });
    await tick();
    expect(button.disabled).toBe(true);
    expect((q('[data-testid="lw-progress"]')[0] as HTMLProgressElement).value).toBeCloseTo(0.2);
    model.push({ status: "idle", progress: 1, num_samples: 2250 });
    await tick();
    expect(button.disabled).toBe(false);
    expect((q('[data-testid="lw-num-samples"]')[0] as HTMLInputElement).value).toBe("2250");
    button.click();
    await tick();
    expect(model.saved.at(-1)).toEqual({ sample_until_stable: 2 });
  });

  it("is hidden in an export, where the intervals come with each fit", async () => {
    const exp = tabularExplanation();
    exp.fits["0"] = { ...exp.fits["0"], uncertainty: tabularTrust() };
    const { q } = mount(exp, { offline: true });
    await tick();
    expect(q('[data-testid="lw-sample-until-stable"]')[0].hidden).toBe(true);
    expect(q('[data-testid="lw-whisker"]').length).toBe(2);
    expect(q('[data-testid="lw-stability"]')[0].textContent).toBe("Stability 0.93");
  });

  it("finds an export's intervals in the offline fit of the same label and size", async () => {
    const exp = tabularExplanation();
    exp.offline = { "0": { "2": { ...exp.fits["0"], uncertainty: tabularTrust() } } };
    const { q } = mount(exp, { offline: true });
    await tick();
    expect(q('[data-testid="lw-whisker"]').length).toBe(2);
    expect(q(".lw-uncertain").map((b) => b.dataset.fid)).toEqual(["3"]);
  });
});

describe("a fit that shows every feature", () => {
  // Python decides (serialization.uncertainty_payload): every sample's top set is all features,
  // so the stability would be 1 whatever the intervals say
  const allShown = (): Uncertainty => tabularTrust({ stability: null, stability_na: "all features shown" });

  it("shows the stability as not applicable, never 1.00, live and in an export", async () => {
    const { model, q } = mount();
    model.push({ uncertainty: allShown() });
    await tick();
    const badge = q('[data-testid="lw-stability"]')[0];
    expect(badge.hidden).toBe(false);
    expect(badge.textContent).toBe("Stability n/a: all features shown");
    expect(badge.getAttribute("data-stability")).toBe("n/a");
    expect(badge.title).toContain("all 2 features are shown");
    expect(badge.getAttribute("aria-label")).toBe(badge.title);
    expect(badge.classList.contains("lw-unstable")).toBe(false);
    expect(q(".lw-uncertain").map((b) => b.dataset.fid)).toEqual(["3"]); // the intervals still show
    const auto = q('[data-testid="lw-sample-until-stable"]')[0] as HTMLButtonElement;
    expect(auto.disabled).toBe(true); // it would stop at the first round: Python refuses it too
    expect(auto.title).toContain("Stability does not apply (all features shown)");
    model.push({ uncertainty: tabularTrust({ stability: 0.4 }) }); // a fit of fewer features: the number again
    await tick();
    expect(badge.textContent).toBe("Stability 0.40");
    expect(badge.classList.contains("lw-unstable")).toBe(true);
    expect(auto.disabled).toBe(false);
    expect(auto.title).toContain("until the top features are stable");

    cleanup?.();
    const exp = tabularExplanation();
    exp.fits["0"] = { ...exp.fits["0"], uncertainty: allShown() };
    const offline = mount(exp, { offline: true });
    await tick();
    expect(offline.q('[data-testid="lw-stability"]')[0].textContent).toBe("Stability n/a: all features shown");
  });

  it("ignores a stability number sent together with a reason it does not apply", () => {
    const t = trustFor(fit([[2, -0.5], [3, 0.35]]), 0, tabularTrust({ stability: 1, stability_na: "all features shown" }));
    expect(t?.stability).toBeNull();
    expect(t?.stabilityNa).toBe("all features shown");
    expect(trustFor(fit([[2, -0.5], [3, 0.35]]), 0, tabularTrust())?.stabilityNa).toBeNull();
  });
});
