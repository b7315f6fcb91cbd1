// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { FakeModel, fit, textExplanation, textState, tick, XSS_IMG, XSS_SCRIPT } from "./test_support";
import type { TextDomain } from "./types";
import widget from "./widget";

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  document.body.replaceChildren();
});

function mount(state = textState()) {
  const model = new FakeModel(state);
  const el = document.createElement("div");
  document.body.appendChild(el);
  cleanup = widget.render({ model, el });
  const q = (sel: string) => Array.from(el.querySelectorAll<HTMLElement>(sel));
  return { model, el, q };
}

describe("text view", () => {
  it("renders the document with each feature word as a coloured lw-word", () => {
    const { el, q } = mount();
    const root = el.querySelector('[data-testid="lw-root"]')!;
    expect(root).not.toBeNull();
    expect(root.getAttribute("data-modality")).toBe("text");
    const words = q('[data-testid="lw-word"]');
    expect(words.map((w) => w.dataset.feature)).toEqual(["good", "movie", "good", "plot", "but", "bad", "acting"]);
    expect(el.querySelector(".lw-text")!.textContent).toBe("good movie, good plot but bad acting");
    const good = words[0];
    const bad = words[5];
    expect(good.style.backgroundColor).toMatch(/rgba\(230, 97, 1/);
    expect(bad.style.backgroundColor).toMatch(/rgba\(67, 147, 195/);
    expect(words[1].style.backgroundColor).toBe(""); // "movie" is not among the features
    expect(Number(root.getAttribute("data-render-ms"))).toBeGreaterThanOrEqual(0);
  });

  it("shows one bar per feature of the fit, with names", () => {
    const { q } = mount();
    const bars = q('[data-testid="lw-bar"]');
    expect(bars.length).toBe(3);
    expect(bars.map((b) => b.dataset.feature)).toEqual(["good", "bad", "plot"]);
  });

  it("commits the number field on change, and shows the refit's bars", async () => {
    const { model, q } = mount();
    const field = q('[data-testid="lw-num-features"]')[0] as HTMLInputElement;
    expect(field.value).toBe("3");
    expect(field.max).toBe("6");
    field.value = "2";
    field.dispatchEvent(new Event("change"));
    expect(model.get("num_features")).toBe(2);
    expect(model.saved.at(-1)).toEqual({ num_features: 2 });
    await tick();
    expect(q('[data-testid="lw-status"]')[0].textContent).toBe("computing"); // until Python answers
    expect(q('[data-testid="lw-progress"]')[0].hidden).toBe(false);
    const wordsBefore = q('[data-testid="lw-word"]');
    model.push({
      explanation: textExplanation({ fits: { "1": fit([[0, 0.45], [4, -0.35]]) }, settings: { num_features: 2, feature_selection: "auto", kernel_width: 25 } }),
    });
    await tick();
    expect(q('[data-testid="lw-bar"]').length).toBe(2);
    expect(q('[data-testid="lw-status"]')[0].textContent).toBe("idle");
    expect(q('[data-testid="lw-progress"]')[0].hidden).toBe(true);
    // updated in place: the same word elements, new colours
    expect(q('[data-testid="lw-word"]')).toEqual(wordsBefore);
    expect(wordsBefore[3].style.backgroundColor).toBe(""); // "plot" dropped out
  });

  it("clamps the number field to 1..num_features_max", () => {
    const { model, q } = mount();
    const field = q('[data-testid="lw-num-features"]')[0] as HTMLInputElement;
    field.value = "99";
    field.dispatchEvent(new Event("change"));
    expect(model.get("num_features")).toBe(6);
    field.value = "abc";
    field.dispatchEvent(new Event("change"));
    expect(model.saved.length).toBe(1);
  });

  it("reflects num_features set from Python in the controls", async () => {
    const { model, q } = mount();
    model.push({ num_features: 5 });
    await tick();
    expect((q('[data-testid="lw-num-features"]')[0] as HTMLInputElement).value).toBe("5");
    expect((q('input[type="range"]')[0] as HTMLInputElement).value).toBe("5");
  });

  it("focuses every occurrence of a clicked word, shows weight and rank, sets focused_feature", async () => {
    const { model, el, q } = mount();
    const words = q('[data-testid="lw-word"]');
    words[2].click(); // the second "good"
    expect(model.get("focused_feature")).toBe(0);
    expect(model.saved.at(-1)).toEqual({ focused_feature: 0 });
    await tick();
    const pressed = q('[data-testid="lw-word"][aria-pressed="true"]');
    expect(pressed.map((w) => w.dataset.feature)).toEqual(["good", "good"]);
    expect(pressed.every((w) => w.classList.contains("lw-focused"))).toBe(true);
    expect(q('[data-testid="lw-bar"][aria-pressed="true"]').map((b) => b.dataset.feature)).toEqual(["good"]);
    const info = el.querySelector(".lw-focus-info")!.textContent!;
    expect(info).toContain("+0.400");
    expect(info).toContain("rank 1 of 3");
    expect(info).toContain("2 occurrences");
  });

  it("focuses a word from its bar, and a second click clears it", async () => {
    const { model, q } = mount();
    const bar = q('[data-testid="lw-bar"]')[1]; // "bad"
    bar.click();
    await tick();
    expect(model.get("focused_feature")).toBe(4);
    expect(q('[data-testid="lw-word"][aria-pressed="true"]').map((w) => w.dataset.feature)).toEqual(["bad"]);
    q('[data-testid="lw-bar"]')[1].click();
    await tick();
    expect(model.get("focused_feature")).toBe(-1);
    expect(q('[aria-pressed="true"][data-testid="lw-word"]').length).toBe(0);
  });

  it("activates words with Enter and Space, clears with Escape", async () => {
    const { model, q } = mount();
    const words = q('[data-testid="lw-word"]');
    expect(words[0].tabIndex).toBe(0); // one tab stop in the text (roving tabindex)
    expect(words[1].tabIndex).toBe(-1);
    words[5].dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    await tick();
    expect(model.get("focused_feature")).toBe(4);
    words[4].dispatchEvent(new KeyboardEvent("keydown", { key: " ", bubbles: true }));
    await tick();
    expect(model.get("focused_feature")).toBe(3);
    const esc = new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true });
    words[4].dispatchEvent(esc);
    await tick();
    expect(model.get("focused_feature")).toBe(-1);
    expect(model.saved.at(-1)).toEqual({ focused_feature: -1 });
    expect(q('[data-testid="lw-word"][aria-pressed="true"]').length).toBe(0);
    expect(esc.defaultPrevented).toBe(true);
    // Escape with nothing focused is left alone (the notebook may use it)
    const esc2 = new KeyboardEvent("keydown", { key: "Escape", bubbles: true, cancelable: true });
    words[4].dispatchEvent(esc2);
    expect(esc2.defaultPrevented).toBe(false);
  });

  it("moves between words with the arrow keys", () => {
    const { q } = mount();
    const words = q('[data-testid="lw-word"]');
    words[0].focus();
    words[0].dispatchEvent(new KeyboardEvent("keydown", { key: "ArrowRight", bubbles: true }));
    expect(document.activeElement).toBe(words[1]);
    expect(words[1].tabIndex).toBe(0);
    expect(words[0].tabIndex).toBe(-1);
    words[1].dispatchEvent(new KeyboardEvent("keydown", { key: "End", bubbles: true }));
    expect(document.activeElement).toBe(words[6]);
  });

  it("follows focused_feature set from Python", async () => {
    const { model, q } = mount();
    model.push({ focused_feature: 2 });
    await tick();
    expect(q('[data-testid="lw-word"][aria-pressed="true"]').map((w) => w.dataset.feature)).toEqual(["plot"]);
  });

  it("class toggles set label; computing until Python adds the fit", async () => {
    const { model, q } = mount();
    const toggles = q('[data-testid="lw-class-toggle"]');
    expect(toggles.map((t) => t.dataset.label)).toEqual(["0", "1"]);
    expect(toggles.map((t) => t.getAttribute("aria-pressed"))).toEqual(["false", "true"]);
    expect(toggles[1].textContent).toContain("0.80");
    toggles[0].click();
    expect(model.get("label")).toBe(0);
    expect(model.saved.at(-1)).toEqual({ label: 0 });
    await tick();
    expect(q('[data-testid="lw-status"]')[0].textContent).toBe("computing");
    expect(q('[data-testid="lw-class-toggle"]')[0].getAttribute("aria-pressed")).toBe("true");
    expect(q('[data-testid="lw-bar"]').length).toBe(3); // previous view stays meanwhile
    const e = textExplanation();
    e.fits["0"] = fit([[4, 0.3], [0, -0.4], [2, -0.1]]);
    e.labels = [0, 1];
    model.push({ explanation: e });
    await tick();
    expect(q('[data-testid="lw-status"]')[0].textContent).toBe("idle");
    expect(q('[data-testid="lw-bar"]').map((b) => b.dataset.feature)).toEqual(["bad", "good", "plot"]);
    expect(q('[data-testid="lw-word"]')[5].style.backgroundColor).toMatch(/rgba\(230, 97, 1/);
    expect(q(".lw-bars-title")[0].textContent).toContain("negative");
  });

  it("shows errors and keeps the last good explanation", async () => {
    const { model, q } = mount();
    const box = q('[data-testid="lw-error"]')[0];
    expect(box.hidden).toBe(true);
    model.push({ status: "error", error: "Could not re-sample: predict_fn failed <b>x</b>" });
    await tick();
    expect(box.hidden).toBe(false);
    expect(box.textContent).toBe("Could not re-sample: predict_fn failed <b>x</b>");
    expect(box.querySelector("b")).toBeNull();
    expect(q('[data-testid="lw-status"]')[0].textContent).toBe("error");
    expect(q('[data-testid="lw-bar"]').length).toBe(3);
    model.push({ status: "idle", error: "" });
    await tick();
    expect(box.hidden).toBe(true);
  });

  it("shows progress while re-sampling", async () => {
    const { model, q } = mount();
    const samples = q('input[aria-label="Number of samples"]')[0] as HTMLInputElement;
    expect(samples.value).toBe("5000");
    samples.value = "200";
    samples.dispatchEvent(new Event("change"));
    expect(model.saved.at(-1)).toEqual({ num_samples: 200 });
    model.push({ status: "computing", progress: 0.4 });
    await tick();
    const bar = q('[data-testid="lw-progress"]')[0] as HTMLProgressElement;
    expect(bar.hidden).toBe(false);
    expect(bar.value).toBeCloseTo(0.4);
    expect(q('[data-testid="lw-status"]')[0].textContent).toBe("computing");
  });

  it("sends kernel width and feature selection from the Advanced disclosure", () => {
    const { model, el } = mount();
    const details = el.querySelector("details.lw-advanced")!;
    expect(details.querySelector("summary")!.textContent).toBe("Advanced");
    const kw = details.querySelector<HTMLInputElement>('input[aria-label="Kernel width"]')!;
    expect(kw.value).toBe("25");
    kw.value = "10";
    kw.dispatchEvent(new Event("change"));
    expect(model.saved.at(-1)).toEqual({ kernel_width: 10 });
    const sel = details.querySelector("select")!;
    sel.value = "lasso_path";
    sel.dispatchEvent(new Event("change"));
    expect(model.saved.at(-1)).toEqual({ feature_selection: "lasso_path" });
  });

  it("shows the surrogate's R² and local prediction", () => {
    const { el } = mount();
    const q = el.querySelector(".lw-quality")!.textContent!;
    expect(q).toContain("R\u00b2 0.800");
    expect(q).toContain("local prediction 0.700");
    expect(q).toContain("model 0.800");
  });

  it("renders HTML in text and feature names as text, never as elements", async () => {
    const pieces: Array<[string, number]> = [[XSS_IMG, 0], [" and ", -1], [XSS_SCRIPT, 1], [" <b>plain</b>", -1]];
    const exp = textExplanation({
      feature_names: [XSS_IMG, XSS_SCRIPT],
      class_names: [XSS_SCRIPT, XSS_IMG],
      fits: { "1": fit([[0, 0.5], [1, -0.5]]) },
      settings: { num_features: 2 },
      domain: { text: pieces.map((p) => p[0]).join(""), pieces, bow: true, char_level: false },
    });
    const { el, q } = mount({ ...textState(exp), num_features: 2, error: `${XSS_IMG} failed`, status: "error" });
    await tick();
    expect(el.querySelectorAll("img, script, b").length).toBe(0);
    const words = q('[data-testid="lw-word"]');
    expect(words.map((w) => w.textContent)).toEqual([XSS_IMG, XSS_SCRIPT]);
    expect(words.map((w) => w.dataset.feature)).toEqual([XSS_IMG, XSS_SCRIPT]);
    expect(el.querySelector(".lw-text")!.textContent).toBe((exp.domain as TextDomain).text);
    expect(q('[data-testid="lw-bar"]').map((b) => b.dataset.feature)).toEqual([XSS_IMG, XSS_SCRIPT]);
    expect(q(".lw-bar-name").map((b) => b.textContent)).toEqual([XSS_IMG, XSS_SCRIPT]);
    expect(q('[data-testid="lw-class-toggle"]')[0].textContent).toContain(XSS_SCRIPT);
    expect(q('[data-testid="lw-error"]')[0].textContent).toBe(`${XSS_IMG} failed`);
    words[0].click();
    await tick();
    expect(el.querySelector(".lw-focus-info")!.textContent).toContain(XSS_IMG);
    expect(el.querySelectorAll("img, script, b").length).toBe(0);
  });

  it("waits politely for the first explanation and removes its listeners on cleanup", async () => {
    const { model, el, q } = mount({ ...textState(), explanation: {}, status: "computing", progress: 0.1 });
    expect(el.textContent).toContain("Waiting for the explanation");
    expect(q('[data-testid="lw-status"]')[0].textContent).toBe("computing");
    model.push({ explanation: textExplanation(), status: "idle" });
    await tick();
    expect(q('[data-testid="lw-word"]').length).toBe(7);
    expect(model.listenerCount()).toBeGreaterThan(0);
    cleanup!();
    cleanup = null;
    expect(model.listenerCount()).toBe(0);
    expect(el.children.length).toBe(0);
  });

  it("reports a malformed payload instead of breaking", async () => {
    const { model, q } = mount();
    model.push({ explanation: { ...textExplanation(), fits: { "1": { weights: null } } } });
    await tick();
    const box = q('[data-testid="lw-error"]')[0];
    expect(box.hidden).toBe(false);
    expect(box.textContent).toMatch(/Display error/);
  });
});
