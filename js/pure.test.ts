// Pure functions: colour scale, binary decoding, mask maths, fit resolution.
import { describe, expect, it } from "vitest";
import {
  formatNumber, formatWeight, intensity, isStrong, maxAbsWeight, MAX_ALPHA, NEGATIVE_RGB, POSITIVE_RGB, weightCss, weightRgba,
} from "./color";
import { toggleLabels } from "./controls";
import { bytesOf, decodeArray, parseDtype } from "./decode";
import { BOUNDARY_RGB, boundaryMap, FOCUS_RGB, overlayRgba, pixelScale, segmentAt, selectSegments } from "./mask";
import { offlineRange, rankOf, requestedLabel, resolveFit, settingsMatch, weightOf } from "./resolve";
import { fit, imageTraits, offsetView, tabularExplanation, textExplanation } from "./test_support";
import type { BinaryArray } from "./types";

describe("colour scale", () => {
  it("is orange for positive and blue for negative weights, alpha by |w|/max", () => {
    expect(weightRgba(0.5, 1).slice(0, 3)).toEqual([...POSITIVE_RGB]);
    expect(weightRgba(-0.5, 1).slice(0, 3)).toEqual([...NEGATIVE_RGB]);
    expect(weightRgba(0.5, 1)[3]).toBeCloseTo(0.5 * MAX_ALPHA);
    expect(weightRgba(-1, 1)[3]).toBeCloseTo(MAX_ALPHA);
    expect(weightRgba(-2, 1)[3]).toBeCloseTo(MAX_ALPHA); // clamped
  });
  it("handles zero, NaN and empty inputs", () => {
    expect(intensity(0.3, 0)).toBe(0);
    expect(intensity(NaN, 1)).toBe(0);
    expect(weightCss(0, 1)).toBe("transparent");
    expect(weightCss(0.2, 0)).toBe("transparent");
    expect(maxAbsWeight([])).toBe(0);
    expect(maxAbsWeight([[0, -0.7], [1, 0.2]])).toBeCloseTo(0.7);
  });
  it("gives CSS colours and a strong flag for dark text", () => {
    expect(weightCss(1, 1)).toBe(`rgba(230, 97, 1, ${MAX_ALPHA.toFixed(3)})`);
    expect(weightCss(-0.25, 0.5)).toBe(`rgba(67, 147, 195, ${(0.5 * MAX_ALPHA).toFixed(3)})`);
    expect(isStrong(0.6, 1)).toBe(true);
    expect(isStrong(-0.4, 1)).toBe(false);
  });
  it("formats signed weights", () => {
    expect(formatWeight(0.12345)).toBe("+0.123");
    expect(formatWeight(-0.05)).toBe("\u22120.050");
    expect(formatWeight(0)).toBe("0.000");
    expect(formatWeight(-0.0001)).toBe("\u22121.0e-4");
    expect(formatWeight(0.00123)).toBe("+0.001");
    expect(formatNumber(-0.00002)).toBe("-2.0e-5");
    expect(formatNumber(0)).toBe("0.000");
    expect(formatNumber(null)).toBe("\u2013");
  });
});

describe("binary decoding", () => {
  it("reads uint8 from a DataView with a non-zero byteOffset without copying", () => {
    const view = offsetView(new Uint8Array([1, 2, 3, 4, 5, 6]), 7);
    const { values, shape } = decodeArray({ data: view, dtype: "uint8", shape: [1, 2, 3] });
    expect(shape).toEqual([1, 2, 3]);
    expect(Array.from(values)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(values.buffer).toBe(view.buffer);
    expect(values.byteOffset).toBe(7);
  });
  it("reads int32 at an aligned offset as a view and at an unaligned one by copying", () => {
    const src = new Int32Array([-1, 0, 7, 123456789]);
    const aligned = decodeArray({ data: offsetView(new Uint8Array(src.buffer), 8), dtype: "int32", shape: [2, 2] });
    expect(Array.from(aligned.values)).toEqual([-1, 0, 7, 123456789]);
    expect(aligned.values.byteOffset).toBe(8);
    const unaligned = decodeArray({ data: offsetView(new Uint8Array(src.buffer), 3), dtype: "<i4", shape: [4] });
    expect(unaligned.values).toBeInstanceOf(Int32Array);
    expect(Array.from(unaligned.values)).toEqual([-1, 0, 7, 123456789]);
  });
  it("only reads the view's own bytes (neighbouring bytes in the buffer are ignored)", () => {
    const buf = new Uint8Array([9, 9, 1, 2, 9, 9]);
    const view = new DataView(buf.buffer, 2, 2);
    expect(Array.from(decodeArray({ data: view, dtype: "uint8", shape: [2] }).values)).toEqual([1, 2]);
  });
  it("accepts ArrayBuffer and typed arrays, big-endian and int64", () => {
    expect(Array.from(decodeArray({ data: new Uint8Array([5, 6]).buffer, dtype: "|u1", shape: [2] }).values)).toEqual([5, 6]);
    const be = new DataView(new ArrayBuffer(4));
    be.setInt32(0, -42, false);
    expect(Array.from(decodeArray({ data: be, dtype: ">i4", shape: [1] }).values)).toEqual([-42]);
    const i64 = new BigInt64Array([3n, -4n]);
    expect(Array.from(decodeArray({ data: i64, dtype: "int64", shape: [2] }).values)).toEqual([3, -4]);
    const f32 = new Float32Array([0.5, 1]);
    expect(Array.from(decodeArray({ data: f32, dtype: "float32", shape: [2] }).values)).toEqual([0.5, 1]);
  });
  it("fails loudly on size mismatch, unknown dtype, missing data", () => {
    expect(() => decodeArray({ data: new Uint8Array(5), dtype: "uint8", shape: [2, 3] })).toThrow(/needs 6 bytes, got 5/);
    expect(() => parseDtype("complex128")).toThrow(/unsupported dtype/);
    expect(() => bytesOf(undefined)).toThrow(/binary data missing/);
    expect(() => decodeArray({ data: new Uint8Array(1), dtype: "uint8", shape: [-1] } as BinaryArray)).toThrow(/bad shape/);
    const big = new BigInt64Array([2n ** 60n]);
    expect(() => decodeArray({ data: big, dtype: "int64", shape: [1] })).toThrow(/does not fit/);
  });
});

describe("mask maths", () => {
  const weights: Array<[number, number]> = [[2, 0.5], [0, -0.4], [3, 0.2], [1, -0.05]];
  it("selects superpixels as lime's get_image_and_mask", () => {
    expect([...selectSegments(weights, 2, "positive").keys()]).toEqual([2, 3]);
    expect([...selectSegments(weights, 1, "positive").keys()]).toEqual([2]);
    expect([...selectSegments(weights, 5, "negative").keys()]).toEqual([0, 1]);
    expect([...selectSegments(weights, 3, "both").keys()]).toEqual([2, 0, 3]);
    expect([...selectSegments(weights, 4, "both", 0.1).keys()]).toEqual([2, 0, 3]);
    expect(selectSegments(weights, 0, "both").size).toBe(0);
    expect(selectSegments(weights, 2, "both").get(0)).toBe(-0.4);
  });
  it("finds boundaries between superpixels", () => {
    // 3x3: left column 0, rest 1
    const seg = [0, 1, 1, 0, 1, 1, 0, 1, 1];
    expect(Array.from(boundaryMap(seg, 3, 3))).toEqual([1, 0, 0, 1, 0, 0, 1, 0, 0]);
    expect(Array.from(boundaryMap([0, 0, 1, 1], 2, 2))).toEqual([1, 1, 0, 0]);
    expect(Array.from(boundaryMap([4, 4, 4, 4], 2, 2))).toEqual([0, 0, 0, 0]);
  });
  it("looks superpixels up by pixel", () => {
    const seg = [0, 1, 2, 3];
    expect(segmentAt(seg, 2, 2, 1.7, 0.2)).toBe(1);
    expect(segmentAt(seg, 2, 2, 0, 1)).toBe(2);
    expect(segmentAt(seg, 2, 2, -1, 0)).toBe(-1);
    expect(segmentAt(seg, 2, 2, 2, 0)).toBe(-1);
  });
  it("tints selected superpixels, hides the rest and draws boundaries", () => {
    const pixels = [100, 100, 100, 100, 100, 100]; // 1x2 RGB
    const seg = [0, 1];
    const sel = new Map([[0, 1]]);
    const plain = overlayRgba(pixels, 3, seg, 1, 2, sel, { minAlpha: 0.5, maxAlpha: 0.5, dimRest: 1 });
    const a = 0.5;
    const blend = Uint8ClampedArray.from([...POSITIVE_RGB.map((c) => 100 * (1 - a) + c * a), 255]);
    expect(Array.from(plain.slice(0, 4))).toEqual(Array.from(blend));
    expect(Array.from(plain.slice(4))).toEqual([100, 100, 100, 255]);
    const hidden = overlayRgba(pixels, 3, seg, 1, 2, sel, { hideRest: true });
    expect(Array.from(hidden.slice(4))).toEqual([0, 0, 0, 255]);
    const neg = overlayRgba(pixels, 3, seg, 1, 2, new Map([[1, -2]]), { minAlpha: 1, maxAlpha: 1 });
    expect(Array.from(neg.slice(4, 7))).toEqual([...NEGATIVE_RGB]);
    const bounds = boundaryMap(seg, 1, 2);
    const withB = overlayRgba(pixels, 3, seg, 1, 2, new Map(), { boundaries: bounds, focused: 1 });
    expect(Array.from(withB.slice(0, 3))).toEqual([...BOUNDARY_RGB]);
    expect(Array.from(withB.slice(4, 7))).toEqual([...FOCUS_RGB]);
    const noB = overlayRgba(pixels, 3, seg, 1, 2, new Map(), { boundaries: bounds, showBoundaries: false, focused: 1, spotlight: 1 });
    expect(Array.from(noB.slice(0, 3))).toEqual([100, 100, 100]);
    expect(Array.from(noB.slice(4, 7))).toEqual([...FOCUS_RGB]);
  });
  it("dims unselected superpixels, and all but the focused one", () => {
    const pixels = [100, 100, 100, 100, 100, 100];
    const seg = [0, 1];
    const out = overlayRgba(pixels, 3, seg, 1, 2, new Map([[0, 1]]), { dimRest: 0.5 });
    expect(Array.from(out.slice(4))).toEqual([50, 50, 50, 255]);
    const none = overlayRgba(pixels, 3, seg, 1, 2, new Map(), { dimRest: 0.5 });
    expect(Array.from(none)).toEqual([100, 100, 100, 255, 100, 100, 100, 255]); // nothing selected: no dimming
    const spot = overlayRgba(pixels, 3, seg, 1, 2, new Map(), { focused: 0, spotlight: 0.3 });
    expect(Array.from(spot.slice(4))).toEqual([30, 30, 30, 255]);
    expect(Array.from(spot.slice(0, 3))).toEqual([...FOCUS_RGB]); // its edge
  });
  it("scales intensity by |w| and handles grey and float images", () => {
    const seg = [0, 1];
    const sel = new Map([[0, 1], [1, 0.5]]);
    const out = overlayRgba([0, 0], 1, seg, 1, 2, sel, { minAlpha: 0, maxAlpha: 1 });
    expect(out[0]).toBe(POSITIVE_RGB[0]);
    expect(out[4]).toBe(Math.round(POSITIVE_RGB[0] * 0.5));
    expect(pixelScale([0.2, 1], "float32")).toBe(255);
    expect(pixelScale([0.2, 200], "float64")).toBe(1);
    expect(pixelScale([1, 1], "uint8")).toBe(1);
    const f = overlayRgba([0.5, 0.5, 0.5], 3, [0], 1, 1, new Map(), { scale: 255 });
    expect(Array.from(f)).toEqual([128, 128, 128, 255]);
  });
  it("checks sizes", () => {
    expect(() => overlayRgba([1, 2, 3], 3, [0, 1], 1, 2, new Map())).toThrow(/expected 6/);
    expect(() => overlayRgba([1, 2, 3], 3, [0, 1], 1, 1, new Map())).toThrow(/segments have 2/);
  });
  it("works on decoded traits with a non-zero byteOffset", () => {
    const t = imageTraits(12);
    const img = decodeArray(t.image as BinaryArray);
    const seg = decodeArray(t.segments as BinaryArray);
    const out = overlayRgba(img.values, 3, seg.values, 4, 4, new Map([[3, 1]]), { hideRest: true, minAlpha: 1, maxAlpha: 1 });
    // pixel (3,3) is in superpixel 3 -> orange; (0,0) hidden
    expect(Array.from(out.slice(15 * 4, 15 * 4 + 3))).toEqual([...POSITIVE_RGB]);
    expect(Array.from(out.slice(0, 3))).toEqual([0, 0, 0]);
  });
});

describe("fit resolution", () => {
  const exp = textExplanation();
  it("uses fits when the settings match, and marks other num_features as stale", () => {
    const r = resolveFit(exp, { label: 1, numFeatures: 3, kernelWidth: 25, featureSelection: "auto" });
    expect(r?.source).toBe("fits");
    expect(r?.exact).toBe(true);
    const s = resolveFit(exp, { label: 1, numFeatures: 2 });
    expect(s?.source).toBe("stale");
    expect(s?.exact).toBe(false);
    expect(resolveFit(exp, { label: 0, numFeatures: 3 })).toBeNull();
  });
  it("treats num_features above the cap as the cap (lime caps it)", () => {
    const e = textExplanation({ settings: { num_features: 10 } });
    expect(resolveFit(e, { label: 1, numFeatures: 6, cap: 6 })?.exact).toBe(true);
    expect(resolveFit(e, { label: 1, numFeatures: 5, cap: 6 })?.exact).toBe(false);
  });
  it("compares kernel width and feature selection", () => {
    expect(settingsMatch(exp, { label: 1, numFeatures: 3, kernelWidth: 25 + 1e-12 })).toBe(true);
    expect(settingsMatch(exp, { label: 1, numFeatures: 3, kernelWidth: 5 })).toBe(false);
    expect(settingsMatch(exp, { label: 1, numFeatures: 3, featureSelection: "lasso_path" })).toBe(false);
    expect(settingsMatch(textExplanation({ settings: { kernel_width: null } }), { label: 1, numFeatures: 3, kernelWidth: 5 })).toBe(true);
  });
  it("renders from explanation.offline without a kernel", () => {
    const off = textExplanation({ offline: { "0": { "1": fit([[4, 0.9]]), "2": fit([[4, 0.9], [0, -0.2]]) } } });
    const r = resolveFit(off, { label: 0, numFeatures: 2 });
    expect(r?.source).toBe("offline");
    expect(r?.exact).toBe(true);
    expect(r?.fit.weights.length).toBe(2);
    expect(offlineRange(off, 0)).toEqual([1, 2]);
    expect(offlineRange(off, 1)).toBeNull();
    expect(resolveFit(off, { label: 0, numFeatures: 2, kernelWidth: 3 })).toBeNull();
  });
  it("ranks, weights and labels", () => {
    const f = exp.fits["1"];
    expect(rankOf(f, 4)).toBe(2);
    expect(rankOf(f, 5)).toBe(0);
    expect(weightOf(f, 2)).toBe(0.1);
    expect(weightOf(f, 5)).toBeUndefined();
    expect(requestedLabel(exp, 0)).toBe(0);
    expect(requestedLabel(exp, "x")).toBe(1);
    expect(requestedLabel(tabularExplanation({ mode: "regression" }), 0)).toBe(1);
  });
  it("offers toggles for every class, or the likely and explained ones when there are many", () => {
    expect(toggleLabels(tabularExplanation(), 0)).toEqual({ labels: [0, 1, 2], hidden: 0 });
    const probs = Array.from({ length: 100 }, (_, i) => (i === 42 ? 0.5 : 0.5 / 99));
    const many = tabularExplanation({ class_names: null, predict_proba: probs, labels: [7], top_labels: null });
    const t = toggleLabels(many, 99);
    expect(t.labels[0]).toBe(42);
    expect(t.labels).toContain(7);
    expect(t.labels).toContain(99);
    expect(t.labels.length + t.hidden).toBe(100);
    expect(t.labels.length).toBeLessThanOrEqual(12);
  });
});
