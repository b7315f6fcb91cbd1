import { describe, expect, it } from "vitest";
import { confusionCells, isConfusion } from "./confusion";
import { filterText, summaryText } from "./nav";

describe("confusion matrix", () => {
  it("shades mistakes against the largest mistake and hits against the largest hit", () => {
    const grid = confusionCells({ labels: ["a", "b"], counts: [[40, 4], [2, 20]] });
    expect(grid.map((r) => r.map((c) => [c.count, c.shade, c.diagonal]))).toEqual([
      [[40, 1, true], [4, 1, false]],
      [[2, 0.5, false], [20, 0.5, true]],
    ]);
    expect(confusionCells({ labels: ["a"], counts: [[0]] })[0][0].shade).toBe(0);
  });

  it("recognises the trait and names the active filter", () => {
    expect(isConfusion({})).toBe(false);
    expect(isConfusion({ labels: ["a"], counts: [[1]] })).toBe(true);
    const summary = { class_names: ["cat", "dog"] } as never;
    expect(filterText([1, 0], summary)).toBe("true dog \u2192 predicted cat");
    expect(filterText([], summary)).toBe("");
    const facts = { mode: "classification", n_errors: 9, n_rows: 150, n_failed: 2 } as never;
    expect(summaryText(facts)).toBe("9 mistakes in 150 rows (+2 the model failed on)");
    expect(summaryText({ mode: "regression", n_errors: 40, n_rows: 40, n_failed: 0 } as never)).toBe("40 of 40 rows off target");
  });
});
