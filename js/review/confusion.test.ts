import { describe, expect, it } from "vitest";
import { confusionCells, isConfusion } from "./confusion";
import { filterText } from "./nav";

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
  });
});
