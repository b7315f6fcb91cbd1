// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { FakeModel, fit, stateFor, tabularExplanation, tick, XSS_IMG, XSS_SCRIPT } from "./test_support";
import type { ExplanationDict } from "./types";
import widget from "./widget";

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  document.body.replaceChildren();
});

function mount(exp: ExplanationDict = tabularExplanation(), extra: Record<string, unknown> = {}) {
  const model = new FakeModel(stateFor(exp, extra));
  const el = document.createElement("div");
  document.body.appendChild(el);
  cleanup = widget.render({ model, el });
  const q = (sel: string) => Array.from(el.querySelectorAll<HTMLElement>(sel));
  return { model, el, q };
}

describe("tabular view", () => {
  it("shows one bar per feature with lime's rule labels", () => {
    const { el, q } = mount();
    expect(el.querySelector('[data-testid="lw-root"]')!.getAttribute("data-modality")).toBe("tabular");
    const bars = q('[data-testid="lw-bar"]');
    expect(bars.length).toBe(2);
    expect(bars.map((b) => b.dataset.feature)).toEqual(["petal length > 5.10", "petal width <= 0.30"]);
    expect(bars.map((b) => b.querySelector(".lw-bar-value")!.textContent)).toEqual(["\u22120.500", "+0.350"]);
    // negative bar grows left of the centre, positive right of it
    const [neg, pos] = bars.map((b) => b.querySelector<HTMLElement>(".lw-fill")!);
    expect(parseFloat(neg.style.left)).toBe(0);
    expect(parseFloat(neg.style.width)).toBe(50);
    expect(parseFloat(pos.style.left)).toBe(50);
    expect(parseFloat(pos.style.width)).toBe(35);
  });

  it("shows the predicted probability of every class on its toggle", () => {
    const { q } = mount();
    const toggles = q('[data-testid="lw-class-toggle"]');
    expect(toggles.map((t) => t.querySelector(".lw-class-name")!.textContent)).toEqual(["setosa", "versicolor", "virginica"]);
    expect(toggles.map((t) => t.querySelector(".lw-class-value")!.textContent)).toEqual(["0.90", "0.07", "0.03"]);
    expect(toggles[0].getAttribute("aria-pressed")).toBe("true");
  });

  it("lists the instance's values with the explained features marked", () => {
    const { q } = mount();
    const rows = q("tbody tr");
    expect(rows.map((r) => r.dataset.column)).toEqual(["sepal length", "sepal width", "petal length", "petal width"]);
    expect(rows.map((r) => r.children[1].textContent)).toEqual(["5.1", "3.2", "1.4", "0.2"]);
    expect(rows.map((r) => r.classList.contains("lw-explained"))).toEqual([false, false, true, true]);
    expect(rows[2].querySelector(".lw-mark")).not.toBeNull();
    expect(rows[2].children[2].textContent).toBe("\u22120.500");
    expect(rows[2].getAttribute("title")).toBe("petal length > 5.10");
  });

  it("focuses a feature from its bar or its row", async () => {
    const { model, el, q } = mount();
    q('[data-testid="lw-bar"]')[1].click();
    await tick();
    expect(model.get("focused_feature")).toBe(3);
    expect(q("tbody tr.lw-focused").map((r) => r.dataset.column)).toEqual(["petal width"]);
    expect(el.querySelector(".lw-focus-info")!.textContent).toContain("rank 2 of 2");
    q("tbody tr")[2].click();
    await tick();
    expect(model.get("focused_feature")).toBe(2);
    q("tbody tr")[0].click(); // not explained: no focus change
    await tick();
    expect(model.get("focused_feature")).toBe(2);
    q('[data-testid="lw-bar"]')[0].dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
    await tick();
    expect(model.get("focused_feature")).toBe(-1);
  });

  it("bar count follows num_features after the refit", async () => {
    const { model, q } = mount();
    model.onSave = (changes, m) => {
      if ("num_features" in changes) {
        const n = changes.num_features as number;
        const all: Array<[number, number]> = [[2, -0.5], [3, 0.35], [0, 0.1], [1, -0.02]];
        m.push({ explanation: tabularExplanation({ fits: { "0": fit(all.slice(0, n)) }, settings: { num_features: n } }) });
      }
    };
    for (const n of [4, 1, 3]) {
      const field = q('[data-testid="lw-num-features"]')[0] as HTMLInputElement;
      field.value = String(n);
      field.dispatchEvent(new Event("change"));
      await tick();
      expect(q('[data-testid="lw-bar"]').length).toBe(n);
      expect(q("tbody tr.lw-explained").length).toBe(n);
      expect(q('[data-testid="lw-status"]')[0].textContent).toBe("idle");
    }
  });

  it("switching class changes the bars", async () => {
    const { model, q } = mount();
    model.onSave = (changes, m) => {
      if ("label" in changes) {
        const e = tabularExplanation();
        e.fits["2"] = fit([[2, 0.6], [0, -0.1]]);
        e.labels = [0, 2];
        m.push({ explanation: e });
      }
    };
    q('[data-testid="lw-class-toggle"]')[2].click();
    await tick();
    expect(model.get("label")).toBe(2);
    expect(q('[data-testid="lw-bar"]').map((b) => b.dataset.feature)).toEqual(["petal length > 5.10", "sepal length <= 5.10"]);
    expect(q('[data-testid="lw-class-toggle"]').map((t) => t.getAttribute("aria-pressed"))).toEqual(["false", "false", "true"]);
  });

  it("shows regression as a predicted value with its range, and no class toggles", () => {
    const exp = tabularExplanation({
      mode: "regression",
      class_names: ["negative", "positive"],
      labels: [0, 1],
      fits: { "0": fit([[2, 0.5], [3, -0.35]]), "1": fit([[2, -0.5], [3, 0.35]], 0.7, 2.1) },
      predict_proba: undefined,
      predicted_value: 2.5,
      min_value: 1,
      max_value: 4,
    });
    const { el, q } = mount(exp, { label: 0 });
    expect(q('[data-testid="lw-class-toggle"]').length).toBe(0);
    const pred = el.querySelector(".lw-prediction")!;
    expect(pred.textContent).toContain("Predicted value 2.500");
    expect(pred.textContent).toContain("min 1.000");
    expect(pred.textContent).toContain("max 4.000");
    expect(parseFloat(pred.querySelector<HTMLElement>(".lw-prob-fill")!.style.width)).toBe(50);
    // label 1 (the prediction) is shown, as lime does
    expect(q('[data-testid="lw-bar"]').map((b) => b.dataset.weight)).toEqual(["-0.5", "0.35"]);
    expect(el.querySelector(".lw-quality")!.textContent).toContain("model 2.500");
  });

  it("renders HTML in column names, values and rules as text", () => {
    const exp = tabularExplanation({
      feature_names: [XSS_IMG, XSS_SCRIPT, "c", "d"],
      fits: { "0": fit([[0, 0.5], [1, -0.2]]) },
      domain: { columns: [XSS_SCRIPT, XSS_IMG, "c", "d"], values: [XSS_IMG, "1", XSS_SCRIPT, "2"] },
    });
    const { el, q } = mount(exp);
    expect(el.querySelectorAll("img, script").length).toBe(0);
    expect(q('[data-testid="lw-bar"]').map((b) => b.dataset.feature)).toEqual([XSS_IMG, XSS_SCRIPT]);
    const rows = q("tbody tr");
    expect(rows[0].children[0].textContent).toBe(XSS_SCRIPT);
    expect(rows[0].children[1].textContent).toBe(XSS_IMG);
    expect(rows[2].children[1].textContent).toBe(XSS_SCRIPT);
  });
});
