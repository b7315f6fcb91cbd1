// Which fit to show for the controls' values. Python answers a control change by
// sending a new `explanation`; until then (or with no kernel at all, in the HTML
// export) the view uses what is already there:
//   1. explanation.fits[label], when it was fitted with the requested settings;
//   2. explanation.offline[label][num_features] (export data, same neighbourhood);
//   3. explanation.fits[label] fitted with other settings ("stale": shown, marked pending);
//   4. nothing for that label: the previous view stays, marked pending.

import type { ExplanationDict, Fit } from "./types";

export interface FitRequest {
  label: number;
  numFeatures: number;
  kernelWidth?: number | null;
  featureSelection?: string | null;
  /** num_features_max: lime caps num_features there, so 10 of 4 features matches 4. */
  cap?: number | null;
}

export type FitSource = "fits" | "offline" | "stale";

export interface ResolvedFit {
  fit: Fit;
  label: number;
  source: FitSource;
  /** True when the fit matches the request exactly (nothing pending). */
  exact: boolean;
}

/** A usable explanation dict (the trait is {} before the first result). */
export function isExplanation(v: unknown): v is ExplanationDict {
  if (!v || typeof v !== "object") return false;
  const e = v as Partial<ExplanationDict>;
  return typeof e.modality === "string" && !!e.fits && typeof e.fits === "object" && Array.isArray(e.feature_names);
}

function isInt(v: unknown): v is number {
  return typeof v === "number" && Number.isInteger(v);
}

/** Index of the largest value (0 for an empty array). */
export function argmax(values: ReadonlyArray<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}

/** Label shown when the model has no valid `label`. */
export function defaultLabel(exp: ExplanationDict): number {
  if (exp.mode === "regression") return 1;
  if (exp.top_labels && exp.top_labels.length) return exp.top_labels[0];
  if (exp.labels && exp.labels.length) return exp.labels[0];
  if (exp.predict_proba && exp.predict_proba.length) return argmax(exp.predict_proba);
  return 0;
}

/** The label to show: regression always shows label 1 (the prediction, as lime). */
export function requestedLabel(exp: ExplanationDict, modelLabel: unknown): number {
  if (exp.mode === "regression") return 1;
  return isInt(modelLabel) && modelLabel >= 0 ? modelLabel : defaultLabel(exp);
}

/** Whether the explanation's kernel width and feature selection are the requested ones. */
export function settingsMatch(exp: ExplanationDict, req: FitRequest): boolean {
  const s = exp.settings ?? {};
  const kw = req.kernelWidth;
  if (typeof kw === "number" && typeof s.kernel_width === "number") {
    if (Math.abs(kw - s.kernel_width) > 1e-9 * Math.max(1, Math.abs(kw))) return false;
  }
  const fs = req.featureSelection;
  if (typeof fs === "string" && fs && typeof s.feature_selection === "string" && fs !== s.feature_selection) return false;
  return true;
}

/** Offline fit for (label, num_features), if the export embedded one. */
export function offlineFit(exp: ExplanationDict, label: number, numFeatures: number): Fit | null {
  const byLabel = exp.offline?.[String(label)];
  const fit = byLabel?.[String(numFeatures)];
  return fit && Array.isArray(fit.weights) ? fit : null;
}

/** Labels with offline fits, sorted. */
export function offlineLabels(exp: ExplanationDict): number[] {
  if (!exp.offline) return [];
  return Object.keys(exp.offline)
    .map(Number)
    .filter((n) => Number.isInteger(n))
    .sort((a, b) => a - b);
}

/** [min, max] num_features embedded offline for a label, or null. */
export function offlineRange(exp: ExplanationDict, label: number): [number, number] | null {
  const byLabel = exp.offline?.[String(label)];
  if (!byLabel) return null;
  const keys = Object.keys(byLabel).map(Number).filter((n) => Number.isInteger(n) && n > 0);
  if (!keys.length) return null;
  return [Math.min(...keys), Math.max(...keys)];
}

/** The fit to show for a request (see the module comment), or null when there is none. */
export function resolveFit(exp: ExplanationDict, req: FitRequest): ResolvedFit | null {
  const key = String(req.label);
  const fit = exp.fits?.[key];
  const match = settingsMatch(exp, req);
  const fittedN = exp.settings?.num_features;
  const cap = typeof req.cap === "number" && req.cap > 0 ? req.cap : Infinity;
  const sameN = typeof fittedN !== "number" || Math.min(fittedN, cap) === Math.min(req.numFeatures, cap);
  if (fit && match && sameN) {
    return { fit, label: req.label, source: "fits", exact: true };
  }
  if (match) {
    const off = offlineFit(exp, req.label, req.numFeatures);
    if (off) return { fit: off, label: req.label, source: "offline", exact: true };
  }
  if (fit) return { fit, label: req.label, source: "stale", exact: false };
  return null;
}

/** 1-based rank of a feature in a fit's weights (0 when it is not among them). */
export function rankOf(fit: Fit, featureId: number): number {
  const i = fit.weights.findIndex(([id]) => id === featureId);
  return i + 1;
}

/** Weight of a feature in a fit (undefined when it is not among them). */
export function weightOf(fit: Fit, featureId: number): number | undefined {
  const p = fit.weights.find(([id]) => id === featureId);
  return p ? p[1] : undefined;
}

/** Display name of a class label. */
export function className(exp: ExplanationDict, label: number): string {
  const names = exp.class_names;
  if (names && label >= 0 && label < names.length) return String(names[label]);
  return `class ${label}`;
}
