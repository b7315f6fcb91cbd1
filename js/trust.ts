// How sure the shown weights are: the intervals and stability Python computed for a fit
// (the `uncertainty` trait, or `fit.uncertainty` in an export). They apply to a fit only
// when they describe exactly its features and weights, so a result that arrives late,
// for other settings, never decorates the wrong bars.

import { formatNumber, formatWeight } from "./color";
import type { Fit, Uncertainty } from "./types";

export interface Interval {
  low: number;
  high: number;
  /** Share of resampled fits that list the feature among the top num_features. */
  frequency: number | null;
}

export interface Trust {
  level: number;
  stability: number | null;
  /** Why the stability does not apply (Python decides: the fit shows every feature), else null. */
  stabilityNa: string | null;
  intervals: Map<number, Interval>;
}

function isNum(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v);
}

function sameWeight(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** The trust data that belongs to `fit` of `label`, or null (missing, malformed or for another fit). */
export function trustFor(fit: Fit, label: number, ...candidates: Array<unknown>): Trust | null {
  for (const c of candidates) {
    const t = parseTrust(c, fit, label);
    if (t) return t;
  }
  return null;
}

function parseTrust(raw: unknown, fit: Fit, label: number): Trust | null {
  if (!raw || typeof raw !== "object") return null;
  const u = raw as Partial<Uncertainty>;
  if (u.label !== label || !Array.isArray(u.intervals) || u.intervals.length !== fit.weights.length) return null;
  const intervals = new Map<number, Interval>();
  for (let i = 0; i < fit.weights.length; i++) {
    const row = u.intervals[i];
    const [fid, w] = fit.weights[i];
    if (!Array.isArray(row) || row[0] !== fid || !isNum(row[1]) || !sameWeight(row[1], w)) return null;
    const [, , low, high, freq] = row;
    if (isNum(low) && isNum(high)) intervals.set(fid, { low, high, frequency: isNum(freq) ? freq : null });
  }
  const stabilityNa = typeof u.stability_na === "string" && u.stability_na ? u.stability_na : null;
  return {
    level: isNum(u.level) ? u.level : 0.95,
    stability: isNum(u.stability) && !stabilityNa ? u.stability : null,
    stabilityNa,
    intervals,
  };
}

/** Whether an interval includes zero: the data do not settle the weight's sign. */
export function crossesZero(iv: Interval): boolean {
  return iv.low <= 0 && iv.high >= 0;
}

/** "95% interval −0.031 to +0.270" */
export function intervalText(iv: Interval, level: number): string {
  return `${Math.round(level * 100)}% interval ${formatWeight(iv.low)} to ${formatWeight(iv.high)}`;
}

/** The sentence a bar's tooltip and screen-reader label add for its interval. */
export function intervalSentence(iv: Interval, level: number): string {
  const base = intervalText(iv, level);
  const freq = iv.frequency === null ? "" : `; selected in ${Math.round(iv.frequency * 100)}% of resampled fits`;
  return crossesZero(iv)
    ? `${base} (crosses zero: uncertain, the sign of this weight could flip with another sample${freq})`
    : `${base}${freq}`;
}

/** Largest |value| over the weights and the interval ends (the bars' common scale). */
export function maxAbsWithIntervals(fit: Fit, trust: Trust | null): number {
  let m = 0;
  for (const [fid, w] of fit.weights) {
    m = Math.max(m, Math.abs(w));
    const iv = trust?.intervals.get(fid);
    if (iv) m = Math.max(m, Math.abs(iv.low), Math.abs(iv.high));
  }
  return m;
}

/** The badge of a fit whose stability does not apply (`reason` from Python, e.g. "all features shown"). */
export function stabilityNaText(reason: string, numFeatures: number): { text: string; title: string } {
  return {
    text: `Stability n/a: ${reason}`,
    title:
      `Stability does not apply (${reason}): all ${numFeatures} features are shown, so every sample lists the ` +
      `same ones and the overlap would be 1 whatever the weights. Read the intervals instead: one that crosses ` +
      `zero means that weight's sign is uncertain.`,
  };
}

/** The stability badge's text and its explanation. */
export function stabilityText(stability: number, numFeatures: number): { text: string; title: string } {
  const s = formatNumber(stability, 2);
  const verdict = stability >= 0.9 ? "stable" : stability >= 0.7 ? "fairly stable" : "unstable";
  return {
    text: `Stability ${s}`,
    title:
      `Stability ${s} (${verdict}): two independent samples of this size would share on average ` +
      `${Math.round(stability * 100)}% of their top ${numFeatures} features (Jaccard overlap, estimated ` +
      `from this sample without calling the model). Below about 0.9, use "Sample until stable" or more samples.`,
  };
}
