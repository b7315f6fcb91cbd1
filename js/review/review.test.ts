// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import review from "../review";
import { FakeModel, stateFor, tabularExplanation, tick, XSS_IMG } from "../test_support";
import type { ReviewRow } from "./types";

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  document.body.replaceChildren();
});

const NAMES = ["setosa", "versicolor", "virginica"];

function row(over: Partial<ReviewRow> = {}): ReviewRow {
  return {
    index: 106, id: "106", true: "virginica", pred: "versicolor", failed: false, loss: 0.9, tag: "", note: "",
    instance: { kind: "tabular", columns: ["sepal length", "petal width"], values: ["4.9", "1.7"] },
    true_label: 2, pred_label: 1, proba: [0.01, 0.58, 0.41], confidence: 0.58, correct: false,
    ...over,
  };
}

function reviewState(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...stateFor(tabularExplanation()),
    summary: {
      modality: "tabular", mode: "classification", class_names: NAMES, n_rows: 150, n_errors: 9, n_failed: 0,
      tags: ["label noise", "model error", "ambiguous"],
      orders: [["confidence", "Confidence in the wrong answer"], ["loss", "Loss"], ["index", "Row order"], ["true_class", "True class"]],
    },
    confusion: { labels: NAMES, counts: [[50, 0, 0], [0, 43, 7], [0, 2, 48]] },
    queue_length: 9, position: 0, order: "confidence", scope: "errors", cell: [],
    row: row(), row_status: "ready", row_error: "", row_progress: 1, row_image: {}, annotated: 0, notice: "",
    ...over,
  };
}

function mount(over: Record<string, unknown> = {}) {
  const model = new FakeModel(reviewState(over));
  const el = document.createElement("div");
  document.body.appendChild(el);
  cleanup = review.render({ model, el });
  const one = (testid: string) => el.querySelector<HTMLElement>(`[data-testid="${testid}"]`)!;
  const all = (testid: string) => Array.from(el.querySelectorAll<HTMLElement>(`[data-testid="${testid}"]`));
  const root = one("lw-review");
  return { model, el, one, all, root };
}

const press = (target: Element, key: string) =>
  target.dispatchEvent(new KeyboardEvent("keydown", { key, bubbles: true, cancelable: true }));

describe("error review", () => {
  it("shows the row's whiskers, stability badge and 'Sample until stable' as the widget does", async () => {
    const uncertainty = {
      label: 0, level: 0.95, stability: 0.62,
      intervals: [[2, -0.5, -0.8, -0.2, 1], [3, 0.35, -0.1, 0.8, 0.55]],
    };
    const { model, one, all } = mount({ uncertainty });
    await tick();
    expect(all("lw-whisker").length).toBe(2);
    expect(all("lw-bar")[1].classList.contains("lw-uncertain")).toBe(true);
    expect(all("lw-bar")[1].getAttribute("aria-label")).toContain("crosses zero: uncertain");
    expect(one("lw-stability").textContent).toBe("Stability 0.62");
    one("lw-sample-until-stable").click();
    await tick();
    expect(model.saved.at(-1)).toEqual({ sample_until_stable: 1 });
  });

  it("shows the counter, the row, and the explanation with the regular views", () => {
    const { one, all, root } = mount({ position: 6 });
    expect(one("lw-review-counter").textContent).toBe("7 of 9");
    expect(one("lw-review-row-id").textContent).toBe("Row 106");
    expect(one("lw-review-true").textContent).toBe("virginica (p = 0.41)");
    expect(one("lw-review-pred").textContent).toBe("versicolor (p = 0.58)");
    expect(one("lw-review-verdict").textContent).toBe("misclassified");
    // the explanation part is ExplanationWidget's own render (same test ids)
    const host = one("lw-review-explanation");
    expect(host.hidden).toBe(false);
    expect(host.querySelector('[data-testid="lw-root"]')).not.toBeNull();
    expect(all("lw-bar").length).toBe(2);
    expect(root.getAttribute("data-row-id")).toBe("106");
    expect(root.getAttribute("data-lm-suppress-shortcuts")).toBe("true");
  });

  it("steps with the buttons and the arrow keys, not while typing", async () => {
    const { model, one, root } = mount({ position: 3 });
    one("lw-review-next").click();
    expect(model.get("position")).toBe(4);
    await tick();
    expect(one("lw-review-counter").textContent).toBe("5 of 9");
    press(root, "ArrowLeft");
    press(root, "ArrowLeft");
    expect(model.get("position")).toBe(2);
    press(one("lw-review-next"), "ArrowRight"); // a focused button inside the review
    expect(model.get("position")).toBe(3);
    press(one("lw-review-note"), "ArrowRight");
    press(one("lw-review-jump"), "ArrowLeft");
    expect(model.get("position")).toBe(3);
    expect(model.saved.map((s) => s.position)).toEqual([4, 3, 2, 3]);
  });

  it("stops at both ends of the queue", async () => {
    const { model, one, root } = mount({ position: 0, queue_length: 2 });
    expect((one("lw-review-prev") as HTMLButtonElement).disabled).toBe(true);
    press(root, "ArrowLeft");
    expect(model.saved).toEqual([]);
    press(root, "ArrowRight");
    press(root, "ArrowRight");
    await tick();
    expect(model.get("position")).toBe(1);
    expect((one("lw-review-next") as HTMLButtonElement).disabled).toBe(true);
  });

  it("filters the queue by a confusion-matrix cell and clears it", async () => {
    const { model, el, one, all } = mount();
    const cells = all("lw-confusion-cell");
    expect(cells.length).toBe(9);
    const cell = el.querySelector<HTMLButtonElement>('[data-testid="lw-confusion-cell"][data-true="2"][data-pred="1"]')!;
    expect(cell.textContent).toBe("2");
    expect(cell.getAttribute("aria-label")).toBe("true virginica, predicted versicolor: 2 rows");
    expect(el.querySelector<HTMLButtonElement>('[data-true="0"][data-pred="1"]')!.disabled).toBe(true); // empty cell
    cell.click();
    expect(model.get("cell")).toEqual([2, 1]);
    await tick();
    expect(cell.getAttribute("aria-pressed")).toBe("true");
    expect(one("lw-review-filter").hidden).toBe(false);
    expect(one("lw-review-filter").textContent).toContain("true virginica \u2192 predicted versicolor");
    cell.click(); // again: filter off
    expect(model.get("cell")).toEqual([]);
    cell.click();
    one("lw-review-clear-filter").click();
    expect(model.get("cell")).toEqual([]);
  });

  it("switches order and scope", () => {
    const { model, el, one } = mount({ cell: [1, 2] });
    const order = one("lw-review-order") as HTMLSelectElement;
    expect(Array.from(order.options).map((o) => o.value)).toEqual(["confidence", "loss", "index", "true_class"]);
    order.value = "loss";
    order.dispatchEvent(new Event("change"));
    expect(model.get("order")).toBe("loss");
    el.querySelector<HTMLButtonElement>('[data-testid="lw-review-scope"][data-scope="all"]')!.click();
    expect(model.saved.at(-1)).toEqual({ cell: [], scope: "all" }); // the scope replaces a cell filter
  });

  it("explains the true class in one click", async () => {
    const { model, one } = mount({ label: 1 });
    expect(one("lw-review-explain-pred").getAttribute("aria-pressed")).toBe("true");
    one("lw-review-explain-true").click();
    expect(model.get("label")).toBe(2);
    await tick();
    expect(one("lw-review-explain-true").getAttribute("aria-pressed")).toBe("true");
    one("lw-review-explain-pred").click();
    expect(model.get("label")).toBe(1);
  });

  it("tags a row and notes it, sending the row's index to Python", async () => {
    const { model, el, one, all } = mount();
    expect(all("lw-review-tag").map((b) => b.dataset.tag)).toEqual(["label noise", "model error", "ambiguous"]);
    el.querySelector<HTMLButtonElement>('[data-testid="lw-review-tag"][data-tag="label noise"]')!.click();
    expect(model.sent.at(-1)).toEqual({ type: "annotate", index: 106, tag: "label noise" });
    model.push({ row: row({ tag: "label noise" }), annotated: 1 });
    await tick();
    const active = el.querySelector<HTMLButtonElement>('[data-tag="label noise"]')!;
    expect(active.getAttribute("aria-pressed")).toBe("true");
    expect(one("lw-review-annotated").textContent).toBe("1 row annotated");
    active.click(); // clicking the active tag clears it
    expect(model.sent.at(-1)).toEqual({ type: "annotate", index: 106, tag: "" });
    const note = one("lw-review-note") as HTMLTextAreaElement;
    note.value = "sepal measured twice";
    note.dispatchEvent(new Event("change"));
    expect(model.sent.at(-1)).toEqual({ type: "annotate", index: 106, note: "sepal measured twice" });
    note.dispatchEvent(new Event("change")); // unchanged: nothing more is sent
    expect(model.sent.length).toBe(3);
  });

  it("keeps a note typed just before moving on with the row it was typed for", async () => {
    const { model, one } = mount();
    const note = one("lw-review-note") as HTMLTextAreaElement;
    note.value = "check the label";
    model.push({ row: row({ index: 52, id: "52" }), position: 1 }); // moved (from Python) before the change event
    await tick();
    expect(model.sent).toEqual([{ type: "annotate", index: 106, note: "check the label" }]);
    expect(note.value).toBe("");
  });

  it("jumps to a row id", () => {
    const { model, one } = mount();
    const field = one("lw-review-jump") as HTMLInputElement;
    field.value = " 17 ";
    field.dispatchEvent(new KeyboardEvent("keydown", { key: "Enter", bubbles: true }));
    expect(model.sent).toEqual([{ type: "jump", row: "17" }]);
    one("lw-review-jump-go").click();
    expect(model.sent.length).toBe(2);
  });

  it("shows progress and the instance while the row is explained", async () => {
    const { model, one } = mount({ row_status: "computing", row_progress: 0.3 });
    expect(one("lw-review-explanation").hidden).toBe(true);
    const progress = one("lw-review-progress") as HTMLProgressElement;
    expect(progress.parentElement!.hidden).toBe(false);
    expect(progress.value).toBeCloseTo(0.3);
    expect(Array.from(one("lw-review-instance").querySelectorAll("td")).map((td) => td.textContent)).toEqual(["4.9", "1.7"]);
    expect((one("lw-review-explain-true") as HTMLButtonElement).disabled).toBe(true);
    model.push({ row_status: "ready", row_progress: 1 });
    await tick();
    expect(one("lw-review-explanation").hidden).toBe(false);
    expect(progress.parentElement!.hidden).toBe(true);
    expect(one("lw-review-instance")).toBeNull(); // the explanation view shows the instance now
  });

  it("shows a row's error without hiding the rest of the review", () => {
    const { one } = mount({
      row: row({ failed: true, pred: null, pred_label: null, proba: null, correct: null }),
      row_status: "error",
      row_error: "The model failed on this row: ValueError: feature out of range",
    });
    expect(one("lw-review-row-error").hidden).toBe(false);
    expect(one("lw-review-row-error").textContent).toContain("feature out of range");
    expect(one("lw-review-verdict").textContent).toBe("model failed");
    expect(one("lw-review-pred").textContent).toBe("\u2014");
    expect(one("lw-review-explanation").hidden).toBe(true);
    expect((one("lw-review-next") as HTMLButtonElement).disabled).toBe(false);
  });

  it("has a friendly empty state", () => {
    const { one } = mount({
      row: {}, row_status: "empty", queue_length: 0,
      summary: { ...(reviewState().summary as object), n_errors: 0 },
    });
    expect(one("lw-review-counter").textContent).toBe("0 of 0");
    expect(one("lw-review-empty").textContent).toContain("No errors to review");
    expect(one("lw-review-explanation").hidden).toBe(true);
    expect((one("lw-review-prev") as HTMLButtonElement).disabled).toBe(true);
    expect((one("lw-review-next") as HTMLButtonElement).disabled).toBe(true);
  });

  it("shows regression rows with their residual", () => {
    const { one, el } = mount({
      confusion: {},
      row: { index: 3, id: "3", true: 10, pred: 7.5, failed: false, loss: 2.5, tag: "", note: "", residual: 2.5,
             instance: { kind: "tabular", columns: ["x"], values: ["1"] } },
    });
    expect(one("lw-review-verdict").textContent).toBe("residual 2.5");
    expect(one("lw-review-true").textContent).toBe("10");
    expect(one("lw-review-pred").textContent).toBe("7.5");
    expect(el.querySelector(".lw-review-confusion")!.hasAttribute("hidden")).toBe(true);
    expect(one("lw-review-explain-true").parentElement!.hidden).toBe(true);
  });

  it("renders user data as text", () => {
    const { el, one } = mount({
      row: row({ id: XSS_IMG, tag: XSS_IMG, instance: { kind: "text", text: XSS_IMG } }),
      notice: XSS_IMG,
      confusion: { labels: [XSS_IMG, "b"], counts: [[1, 2], [3, 4]] },
      summary: { ...(reviewState().summary as object), tags: [XSS_IMG] },
      row_status: "computing",
    });
    expect(el.querySelector("img")).toBeNull();
    expect(one("lw-review-row-id").textContent).toBe(`Row ${XSS_IMG}`);
    expect(one("lw-review-notice").textContent).toBe(XSS_IMG);
  });

  it("removes its listeners when destroyed", () => {
    const { model } = mount();
    expect(model.listenerCount()).toBeGreaterThan(0);
    cleanup!();
    cleanup = null;
    expect(model.listenerCount()).toBe(0);
  });
});
