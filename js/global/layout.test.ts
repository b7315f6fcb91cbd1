import { describe, expect, it } from "vitest";
import { ariaSummary, COLOR_LEVELS, colorLevel, DEFAULT_GEOMETRY, hitTest, layoutDots, levelColor, levelPixels, moveFocus, packRgb, paintDots, valueColor, valueRgb } from "./layout";
import { contrastRatio, WHITE } from "../color";

// 1 label x 4 rows x 3 features; NaN: the feature is not in that row's explanation
const W = Float32Array.from([
  0.5, -0.1, NaN,
  -0.5, 0.2, 0.05,
  0.25, NaN, -0.05,
  0.0, 0.1, NaN,
]);

describe("global view layout", () => {
  it("puts one dot per explained (row, feature), strips in ranking order, x by weight", () => {
    const dots = layoutDots(W, 4, 3, 0, [0, 1, 2]);
    expect(dots.x.length).toBe(9);
    expect(dots.maxAbs).toBe(0.5);
    const g = DEFAULT_GEOMETRY;
    const mid = (dots.plotLeft + dots.plotRight) / 2;
    // row 0 (+0.5) at the right end, row 1 (-0.5) at the left end, row 3 (0) in the middle
    const strip0 = Array.from(dots.byStrip[0]);
    expect(strip0.map((i) => dots.row[i])).toEqual([1, 3, 2, 0]);
    expect(dots.x[strip0[0]]).toBeCloseTo(dots.plotLeft);
    expect(dots.x[strip0[3]]).toBeCloseTo(dots.plotRight);
    expect(dots.x[strip0[1]]).toBeCloseTo(mid);
    for (const i of strip0) expect(Math.abs(dots.y[i] - (g.top + g.stripHeight / 2))).toBeLessThan(g.stripHeight / 2);
    expect(Array.from(dots.byStrip[2]).map((i) => dots.row[i])).toEqual([2, 1]);
    // another ranking: the strips follow it
    const swapped = layoutDots(W, 4, 3, 0, [2, 0]);
    expect(swapped.byStrip.map((s) => s.length)).toEqual([2, 4]);
    expect(swapped.height).toBe(g.top + 2 * g.stripHeight + 24);
  });

  it("stacks dots of equal weight instead of drawing them on top of each other", () => {
    const same = new Float32Array(50).fill(0.3);
    const dots = layoutDots(same, 50, 1, 0, [0]);
    const ys = new Set(Array.from(dots.y, (y) => y.toFixed(2)));
    expect(ys.size).toBeGreaterThan(5);
    for (const y of dots.y) expect(Math.abs(y - (DEFAULT_GEOMETRY.top + DEFAULT_GEOMETRY.stripHeight / 2))).toBeLessThanOrEqual(DEFAULT_GEOMETRY.stripHeight / 2);
  });

  it("hit-tests the nearest dot within its radius and slack, and misses elsewhere", () => {
    const dots = layoutDots(W, 4, 3, 0, [0, 1, 2]);
    for (let i = 0; i < dots.x.length; i++) {
      const hit = hitTest(dots, dots.x[i] + 1, dots.y[i] - 1, DEFAULT_GEOMETRY.radius);
      expect(dots.row[hit]).toBe(dots.row[i]);
      expect(dots.strip[hit]).toBe(dots.strip[i]);
    }
    expect(hitTest(dots, 5, 5, DEFAULT_GEOMETRY.radius)).toBe(-1);
    expect(hitTest(dots, dots.x[0] + 20, dots.y[0], DEFAULT_GEOMETRY.radius)).toBe(-1);
  });

  it("moves the keyboard focus along a strip, and to the same row on the next strip", () => {
    const dots = layoutDots(W, 4, 3, 0, [0, 1, 2]);
    let at = moveFocus(dots, -1, "ArrowRight");
    expect([dots.strip[at], dots.row[at]]).toEqual([0, 1]); // first dot of the top strip
    at = moveFocus(dots, at, "ArrowRight");
    expect(dots.row[at]).toBe(3);
    at = moveFocus(dots, at, "ArrowDown"); // row 3 is on strip 1 too
    expect([dots.strip[at], dots.row[at]]).toEqual([1, 3]);
    at = moveFocus(dots, at, "ArrowDown"); // row 3 is not on strip 2: the nearest in x
    expect(dots.strip[at]).toBe(2);
    expect(moveFocus(dots, at, "ArrowDown")).toBe(at); // the last strip
    expect(dots.row[moveFocus(dots, at, "Home")]).toBe(2);
    expect(dots.row[moveFocus(dots, at, "End")]).toBe(1);
    expect(moveFocus(dots, moveFocus(dots, at, "Home"), "ArrowLeft")).toBe(moveFocus(dots, at, "Home"));
    expect(dots.row[moveFocus(dots, -1, "End")]).toBe(0);
    expect(moveFocus(layoutDots(new Float32Array(0), 0, 1, 0, [0]), -1, "ArrowRight")).toBe(-1);
  });

  it("lays out 10,000 rows x 20 features as typed arrays", () => {
    const n = 10000;
    const f = 20;
    const w = new Float32Array(n * f);
    for (let i = 0; i < w.length; i++) w[i] = Math.sin(i * 12.9898) * 0.7;
    const dots = layoutDots(w, n, f, 0, Array.from({ length: f }, (_, i) => i));
    expect(dots.x.length).toBe(n * f);
    expect(dots.byStrip.every((s) => s.length === n)).toBe(true);
    const i = 123457;
    expect(dots.row[hitTest(dots, dots.x[i], dots.y[i], 2.5)]).toBeGreaterThanOrEqual(0);
  });

  it("colours values from blue to red and unknown values grey, and summarises in words", () => {
    expect(valueColor(0)).toBe("rgb(49, 120, 196)");
    expect(valueColor(0.5)).toBe("rgb(150, 100, 160)");
    expect(valueColor(1)).toBe("rgb(214, 40, 57)");
    expect(valueColor(NaN)).toBe("rgb(140, 140, 140)");
    // every dot colour keeps 3:1 (non-text contrast) on white and on JupyterLab's and VS Code's dark backgrounds
    for (let level = 0; level <= COLOR_LEVELS; level++) {
      const rgb = valueRgb(level === COLOR_LEVELS ? NaN : level / (COLOR_LEVELS - 1));
      for (const bg of [WHITE, [17, 17, 17], [30, 30, 30]] as const) expect(contrastRatio(rgb, bg)).toBeGreaterThanOrEqual(3);
    }
    expect(valueColor(7)).toBe(valueColor(1));
    expect([colorLevel(0), colorLevel(0.99), colorLevel(1), colorLevel(NaN)]).toEqual([0, COLOR_LEVELS - 1, COLOR_LEVELS - 1, COLOR_LEVELS]);
    expect(levelColor(COLOR_LEVELS)).toBe(valueColor(NaN));
    expect(levelColor(0)).toBe(valueColor(0.5 / COLOR_LEVELS));
    expect(ariaSummary(3, "class a", ["x", "y"], [0.1, 0.2], [1, 0])).toBe(
      "Weights of 3 rows for class a, one strip per feature. Most important by mean |weight|: y (0.200), x (0.100). " +
        "Arrow keys move between dots, Enter opens the row.");
  });

  it("paints each dot where hit-testing finds it, in its level's colour", () => {
    const dots = layoutDots(W, 4, 3, 0, [0, 1, 2]);
    for (const scale of [1, 2]) {
      const w = Math.round(DEFAULT_GEOMETRY.width * scale);
      const h = Math.round(dots.height * scale);
      const pixels = new Uint32Array(w * h);
      const palette = levelPixels();
      paintDots(pixels, w, h, dots, DEFAULT_GEOMETRY.radius, scale, (i) => i % (COLOR_LEVELS + 1), palette);
      for (let i = 0; i < dots.x.length; i++) {
        const px = Math.round(dots.x[i] * scale);
        const py = Math.round(dots.y[i] * scale);
        const painted = pixels[py * w + px];
        expect(palette.indexOf(painted)).toBeGreaterThanOrEqual(0);
        // every painted pixel of a dot, read back in CSS pixels, hits a dot
        expect(hitTest(dots, px / scale, py / scale, DEFAULT_GEOMETRY.radius)).toBeGreaterThanOrEqual(0);
      }
      expect(pixels[5 * w + 5]).toBe(0); // nothing painted far from the strips
    }
    expect(packRgb(1, 2, 3)).toBe(0xff030201);
    expect(levelPixels()[COLOR_LEVELS]).toBe(packRgb(140, 140, 140));
  });
});
