// Controls shared by every view: class toggles (with probabilities), num_features
// slider + number field, num_samples, an "Advanced" disclosure (kernel width, feature
// selection), the surrogate's faithfulness (R², local prediction), status, progress.

import { formatNumber } from "./color";
import { h, setAttr, setText } from "./dom";
import { argmax, className, offlineLabels, offlineRange, type ResolvedFit } from "./resolve";
import { stabilityNaText, stabilityText, type Trust } from "./trust";
import type { ExplanationDict, Status } from "./types";

export const FEATURE_SELECTIONS = ["auto", "forward_selection", "highest_weights", "lasso_path", "none"] as const;

const AUTO_TITLE =
  "Sample new rows in rounds (calling the model) until the top features are stable; Samples then shows how many were used";

/** Show every class up to this many; above it only the likely and explained ones. */
export const MAX_ALL_CLASSES = 12;
export const MAX_TOP_CLASSES = 10;

export interface ControlActions {
  setLabel(label: number): void;
  setNumFeatures(n: number): void;
  setNumSamples(n: number): void;
  setKernelWidth(w: number): void;
  setFeatureSelection(s: string): void;
  /** Re-sample with num_samples="auto" (until the top features are stable). */
  sampleUntilStable(): void;
}

export interface ControlState {
  exp: ExplanationDict;
  /** Label the controls request (model's `label`). */
  label: number;
  numFeatures: number;
  numFeaturesMax: number;
  numSamples: number | null;
  kernelWidth: number | null;
  featureSelection: string;
  resolved: ResolvedFit | null;
  /** Shown status. */
  status: Status;
  /** Python's own status (progress only moves while it is computing). */
  modelStatus: Status;
  progress: number;
  /** Extra note next to the status ("not in this export", ...). */
  note: string;
  /** No kernel (standalone export): Python-only controls are disabled. */
  offline: boolean;
  /** Intervals and stability of the fit shown (null until known). */
  trust: Trust | null;
  /** Python could not estimate them (message), else "". */
  trustError?: string;
}

/**
 * Enter commits a field at once. Inside a JupyterLab cell the browser's own commit on
 * Enter never happens (no `change` event until the field loses focus), but `keydown` does.
 */
function commitOnEnter(input: HTMLInputElement, commit: () => void): void {
  input.addEventListener("keydown", (e) => {
    if (e.key !== "Enter" || e.isComposing) return;
    e.preventDefault();
    commit();
  });
}

/**
 * Writes the model's value into a field, but never over what the user is typing: a focused
 * field is only written when the model's value changed since it was last written (Python
 * put a rejected value back, or another view changed it), so after Enter on a value Python
 * rejects, the field shows the value the explanation on screen was fitted with.
 */
class FieldWriter {
  private readonly written = new WeakMap<HTMLInputElement, string>();

  write(input: HTMLInputElement, value: string): void {
    if (document.activeElement !== input || this.written.get(input) !== value) input.value = value;
    this.written.set(input, value);
  }
}

function numberOr(v: string, fallback: number): number {
  const n = Number(v);
  return v.trim() !== "" && Number.isFinite(n) ? n : fallback;
}

/** Which class labels get a toggle (all of them for few classes). */
export function toggleLabels(exp: ExplanationDict, requested: number): { labels: number[]; hidden: number } {
  const probs = exp.predict_proba ?? [];
  const n = Math.max(exp.class_names?.length ?? 0, probs.length, ...(exp.labels ?? []).map((l) => l + 1));
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= MAX_ALL_CLASSES) return { labels: all, hidden: 0 };
  const keep = new Set<number>([...(exp.labels ?? []), ...(exp.top_labels ?? []), ...offlineLabels(exp)]);
  if (requested >= 0 && requested < n) keep.add(requested);
  const byProb = all.slice().sort((a, b) => (probs[b] ?? 0) - (probs[a] ?? 0));
  for (const l of byProb.slice(0, MAX_TOP_CLASSES)) keep.add(l);
  const labels = byProb.filter((l) => keep.has(l));
  return { labels, hidden: n - labels.length };
}

/** The "Prediction" group: class toggles (classification) or the predicted value (regression). */
function predictionParts(): { group: HTMLElement; classes: HTMLElement; classesNote: HTMLElement; regression: HTMLElement } {
  const classes = h("div", { class: "lw-classes", role: "group", "aria-label": "Class shown" });
  const classesNote = h("div", { class: "lw-note", hidden: true });
  const regression = h("div", { class: "lw-prediction", hidden: true });
  const group = h(
    "div",
    { class: "lw-group lw-prediction-group" },
    h("div", { class: "lw-group-title" }, "Prediction"),
    classes,
    classesNote,
    regression,
  );
  return { group, classes, classesNote, regression };
}

/** The surrogate's inputs: num_features (slider and field), num_samples, and the Advanced ones. */
function surrogateInputs(): {
  range: HTMLInputElement; numField: HTMLInputElement; samples: HTMLInputElement; kernel: HTMLInputElement;
  selection: HTMLSelectElement; advanced: HTMLDetailsElement; autoButton: HTMLButtonElement;
} {
  const range = h("input", { type: "range", class: "lw-range", min: 1, max: 10, step: 1, "aria-label": "Number of features" });
  const numField = h("input", {
    type: "number", class: "lw-num", min: 1, step: 1, "data-testid": "lw-num-features", "aria-label": "Number of features",
  });
  const samples = h("input", {
    type: "number", class: "lw-num", min: 1, step: 1, "data-testid": "lw-num-samples", "aria-label": "Number of samples",
  });
  const kernel = h("input", {
    type: "number", class: "lw-num", min: 0, step: "any", "data-testid": "lw-kernel-width", "aria-label": "Kernel width",
  });
  const selection = h("select", { "data-testid": "lw-feature-selection", "aria-label": "Feature selection" });
  for (const s of FEATURE_SELECTIONS) selection.appendChild(h("option", { value: s }, s));
  const advanced = h(
    "details",
    { class: "lw-advanced" },
    h("summary", {}, "Advanced"),
    h("label", { class: "lw-row" }, "Kernel width ", kernel),
    h("label", { class: "lw-row" }, "Feature selection ", selection),
  );
  const autoButton = h(
    "button",
    {
      type: "button",
      class: "lw-auto",
      "data-testid": "lw-sample-until-stable",
      title: AUTO_TITLE,
    },
    "Sample until stable",
  );
  return { range, numField, samples, kernel, selection, advanced, autoButton };
}

/** How faithful the surrogate is (R², local prediction) and the stability badge. */
function qualityParts(): { quality: HTMLElement; qualityText: HTMLElement; stability: HTMLElement } {
  const qualityText = h("span", { title: "How faithful the local linear surrogate is" });
  const stability = h("span", { class: "lw-stability", "data-testid": "lw-stability", hidden: true });
  return { quality: h("div", { class: "lw-quality" }, qualityText, stability), qualityText, stability };
}

/** The status line: status, progress, a note; shown even before the first explanation. */
function statusParts(): { line: HTMLElement; status: HTMLElement; statusNote: HTMLElement; progress: HTMLProgressElement } {
  const status = h("span", { class: "lw-status", "data-testid": "lw-status", role: "status", "aria-live": "polite" });
  const statusNote = h("span", { class: "lw-note" });
  const progress = h("progress", { class: "lw-progress", "data-testid": "lw-progress", max: 1, "aria-label": "Progress", hidden: true });
  const line = h("div", { class: "lw-status-line", "data-testid": "lw-status-line", hidden: true }, status, progress, statusNote);
  return { line, status, statusNote, progress };
}

export class Controls {
  readonly element: HTMLElement;
  /** Status line (status, progress, note); shown even before the first explanation. */
  readonly statusElement: HTMLElement;
  private readonly predictionGroup: HTMLElement;
  private readonly classes: HTMLElement;
  private readonly classesNote: HTMLElement;
  private readonly regression: HTMLElement;
  private readonly range: HTMLInputElement;
  private readonly numField: HTMLInputElement;
  private readonly samples: HTMLInputElement;
  private readonly kernel: HTMLInputElement;
  private readonly selection: HTMLSelectElement;
  private readonly advanced: HTMLDetailsElement;
  private readonly quality: HTMLElement;
  private readonly qualityText: HTMLElement;
  private readonly stability: HTMLElement;
  private readonly autoButton: HTMLButtonElement;
  private readonly status: HTMLElement;
  private readonly statusNote: HTMLElement;
  private readonly progress: HTMLProgressElement;
  private readonly offlineNote: HTMLElement;
  private togglesKey = "";
  /** The state last shown (what a committed value is compared with). */
  private shown: ControlState | null = null;
  private toggles = new Map<number, HTMLButtonElement>();
  private readonly fields = new FieldWriter();

  constructor(private readonly actions: ControlActions) {
    ({ group: this.predictionGroup, classes: this.classes, classesNote: this.classesNote, regression: this.regression } =
      predictionParts());
    ({
      range: this.range, numField: this.numField, samples: this.samples, kernel: this.kernel,
      selection: this.selection, advanced: this.advanced, autoButton: this.autoButton,
    } = surrogateInputs());
    ({ quality: this.quality, qualityText: this.qualityText, stability: this.stability } = qualityParts());
    ({ line: this.statusElement, status: this.status, statusNote: this.statusNote, progress: this.progress } = statusParts());
    this.offlineNote = h("div", { class: "lw-note", hidden: true });
    const surrogate = h(
      "div",
      { class: "lw-group" },
      h("div", { class: "lw-group-title" }, "Surrogate"),
      h("div", { class: "lw-row" }, h("label", { class: "lw-row" }, "Features ", this.range), this.numField),
      h("div", { class: "lw-row" }, h("label", { class: "lw-row" }, "Samples ", this.samples), this.autoButton),
      this.advanced,
      this.quality,
      this.offlineNote,
    );
    this.element = h("div", { class: "lw-controls" }, this.predictionGroup, surrogate);
    this.listen();
  }

  /** Each control's event turns into one action (and only when the value changed). */
  private listen(): void {
    this.classes.addEventListener("click", (e) => {
      const btn = (e.target as Element).closest<HTMLButtonElement>('[data-testid="lw-class-toggle"]');
      if (btn && !btn.disabled) this.actions.setLabel(Number(btn.dataset.label));
    });
    this.range.addEventListener("input", () => {
      this.numField.value = this.range.value;
    });
    this.range.addEventListener("change", () => this.commitNumFeatures(this.range.value));
    this.numField.addEventListener("change", () => this.commitNumFeatures(this.numField.value));
    commitOnEnter(this.numField, () => this.commitNumFeatures(this.numField.value));
    const commitSamples = (): void => this.commitNumSamples();
    this.samples.addEventListener("change", commitSamples);
    commitOnEnter(this.samples, commitSamples);
    const commitKernel = (): void => this.commitKernelWidth();
    this.kernel.addEventListener("change", commitKernel);
    commitOnEnter(this.kernel, commitKernel);
    this.selection.addEventListener("change", () => this.actions.setFeatureSelection(this.selection.value));
    this.autoButton.addEventListener("click", () => {
      if (!this.autoButton.disabled) this.actions.sampleUntilStable();
    });
  }

  private commitNumSamples(): void {
    const n = Math.round(numberOr(this.samples.value, NaN));
    if (Number.isFinite(n) && n >= 1 && n !== this.shown?.numSamples) this.actions.setNumSamples(n);
  }

  private commitKernelWidth(): void {
    const w = numberOr(this.kernel.value, NaN);
    if (Number.isFinite(w) && w > 0 && w !== this.shown?.kernelWidth) this.actions.setKernelWidth(w);
  }

  private commitNumFeatures(v: string): void {
    const max = Number(this.numField.max) || Infinity;
    const min = Number(this.numField.min) || 1;
    let n = Math.round(numberOr(v, NaN));
    if (!Number.isFinite(n)) return;
    n = Math.min(max, Math.max(min, n));
    this.numField.value = String(n);
    this.range.value = String(n);
    // Enter commits at once and the blur after it fires `change` again: one request is enough
    if (n !== this.shown?.numFeatures) this.actions.setNumFeatures(n);
  }

  update(s: ControlState): void {
    this.shown = s;
    this.updatePrediction(s);
    this.updateNumFeatures(s);
    this.updateKernelControls(s);
    this.updateQuality(s);
    this.updateStatus(s.status, s.modelStatus, s.progress, s.note);
  }

  /** The num_features slider and field (in an export: the range embedded for the label shown). */
  private updateNumFeatures(s: ControlState): void {
    let min = 1;
    let max = Math.max(1, s.numFeaturesMax);
    const r = s.exp.offline ? offlineRange(s.exp, s.label) : null;
    if (r) [min, max] = r;
    for (const el of [this.range, this.numField]) {
      setAttr(el, "min", String(min));
      setAttr(el, "max", String(max));
    }
    this.fields.write(this.numField, String(s.numFeatures));
    this.range.value = String(s.numFeatures);
  }

  /** The controls only Python can answer (re-sampling, kernel width, feature selection): off in an export. */
  private updateKernelControls(s: ControlState): void {
    const offline = s.offline;
    this.fields.write(this.samples, s.numSamples === null ? "" : String(s.numSamples));
    this.fields.write(this.kernel, s.kernelWidth === null ? "" : String(+s.kernelWidth.toPrecision(6)));
    this.selection.value = s.featureSelection || "auto";
    for (const el of [this.samples, this.kernel, this.selection]) {
      el.disabled = offline;
      setAttr(el, "title", offline ? "Needs a running Python kernel (this is an exported view)" : null);
    }
    this.autoButton.hidden = offline;
    // a fit of every feature is "stable" at once: Python refuses the run, the button says why
    const notApplicable = s.resolved ? s.trust?.stabilityNa : null;
    this.autoButton.disabled = s.modelStatus === "computing" || !!notApplicable;
    setAttr(this.autoButton, "title", notApplicable
      ? `Stability does not apply (${notApplicable}): show fewer features to sample until stable`
      : AUTO_TITLE);
    this.offlineNote.hidden = !offline;
    setText(this.offlineNote, offline ? "Exported view: the classes and feature counts computed at export time." : "");
  }

  /** The surrogate's faithfulness and the stability badge of the fit shown. */
  private updateQuality(s: ControlState): void {
    const exp = s.exp;
    const fit = s.resolved?.fit;
    if (fit) {
      const model = exp.mode === "regression" ? exp.predicted_value : exp.predict_proba?.[s.resolved!.label];
      setText(
        this.qualityText,
        `R\u00b2 ${formatNumber(fit.score)} \u00b7 local prediction ${formatNumber(fit.local_pred)}` +
          (model !== undefined && model !== null ? ` (model ${formatNumber(model)})` : "") +
          ` \u00b7 intercept ${formatNumber(fit.intercept)}`,
      );
    } else {
      setText(this.qualityText, "");
    }
    const stability = fit ? s.trust?.stability : null;
    const notApplicable = fit ? s.trust?.stabilityNa : null;
    if (notApplicable) {
      const { text, title } = stabilityNaText(notApplicable, fit!.weights.length);
      setText(this.stability, text);
      setAttr(this.stability, "title", title);
      setAttr(this.stability, "aria-label", title);
      setAttr(this.stability, "data-stability", "n/a");
      this.stability.classList.remove("lw-unstable");
      this.stability.hidden = false;
    } else if (typeof stability === "number") {
      const { text, title } = stabilityText(stability, fit!.weights.length);
      setText(this.stability, text);
      setAttr(this.stability, "title", title);
      setAttr(this.stability, "aria-label", title);
      setAttr(this.stability, "data-stability", String(stability));
      this.stability.classList.toggle("lw-unstable", stability < 0.7);
      this.stability.hidden = false;
    } else if (fit && s.trustError) {
      setText(this.stability, "Stability unknown");
      setAttr(this.stability, "title", `Could not estimate the stability: ${s.trustError}`);
      setAttr(this.stability, "aria-label", `Could not estimate the stability: ${s.trustError}`);
      setAttr(this.stability, "data-stability", null);
      this.stability.hidden = false;
    } else {
      this.stability.hidden = true;
    }
  }

  updateStatus(status: Status, modelStatus: Status, progress: number, note: string): void {
    // the test hook keeps its value; the line itself only shows while something happens
    setText(this.status, status);
    setAttr(this.status, "data-status", status);
    setText(this.statusNote, note);
    this.statusElement.hidden = status === "idle" && !note;
    setAttr(this.status, "aria-hidden", status === "idle" ? "true" : null);
    const computing = status === "computing";
    this.progress.hidden = !computing;
    if (computing && modelStatus === "computing" && Number.isFinite(progress)) {
      this.progress.value = Math.min(1, Math.max(0, progress));
    } else if (computing) {
      this.progress.removeAttribute("value"); // indeterminate: a refit is pending
    }
  }

  private updatePrediction(s: ControlState): void {
    const exp = s.exp;
    if (exp.mode === "regression") {
      this.classes.hidden = true;
      this.classesNote.hidden = true;
      this.regression.hidden = false;
      const key = `r:${exp.predicted_value}:${exp.min_value}:${exp.max_value}`;
      if (key !== this.togglesKey) {
        this.togglesKey = key;
        this.toggles.clear();
        this.classes.replaceChildren();
        const lo = exp.min_value ?? 0;
        const hi = exp.max_value ?? 1;
        const v = exp.predicted_value ?? NaN;
        const frac = hi > lo ? Math.min(1, Math.max(0, (v - lo) / (hi - lo))) : 0.5;
        const fill = h("div", { class: "lw-prob-fill" });
        fill.style.width = `${(frac * 100).toFixed(1)}%`;
        this.regression.replaceChildren(
          h("div", {}, "Predicted value ", h("strong", {}, formatNumber(v))),
          h("div", { class: "lw-prob", role: "img", "aria-label": `between ${formatNumber(lo)} and ${formatNumber(hi)}` }, fill),
          h("div", { class: "lw-note" }, `min ${formatNumber(lo)} \u00b7 max ${formatNumber(hi)} (in the neighbourhood)`),
        );
      }
      return;
    }
    this.classes.hidden = false;
    this.regression.hidden = true;
    const { labels, hidden } = toggleLabels(exp, s.label);
    const probs = exp.predict_proba ?? [];
    const available = s.offline ? new Set<number>([...offlineLabels(exp), ...Object.keys(exp.fits).map(Number)]) : null;
    const key = JSON.stringify([labels, exp.class_names, probs, available ? [...available] : null]);
    if (key !== this.togglesKey) {
      this.togglesKey = key;
      const active = document.activeElement as HTMLElement | null;
      const refocus = active && this.classes.contains(active) ? active.dataset.label : undefined;
      this.toggles.clear();
      const best = probs.length ? argmax(probs) : -1;
      const buttons = labels.map((l) => {
        const name = className(exp, l);
        const p = probs[l];
        const fill = h("div", { class: "lw-prob-fill" });
        fill.style.width = `${(Math.max(0, Math.min(1, p ?? 0)) * 100).toFixed(1)}%`;
        const disabled = available !== null && !available.has(l);
        const btn = h(
          "button",
          {
            type: "button",
            class: "lw-class",
            "data-testid": "lw-class-toggle",
            "data-label": l,
            "aria-pressed": "false",
            "aria-label": `Explain class ${name}` + (p !== undefined ? `, probability ${formatNumber(p, 2)}` : ""),
            title: disabled ? "Not in this export (needs a running Python kernel)" : l === best ? `${name} (predicted)` : name,
            disabled,
          },
          h("span", { class: "lw-class-name" }, name),
          h("span", { class: "lw-prob", "aria-hidden": "true" }, fill),
          h("span", { class: "lw-class-value" }, p !== undefined ? formatNumber(p, 2) : ""),
        );
        this.toggles.set(l, btn);
        return btn;
      });
      this.classes.replaceChildren(...buttons);
      if (refocus !== undefined) this.toggles.get(Number(refocus))?.focus();
      this.classesNote.hidden = hidden === 0;
      setText(this.classesNote, hidden ? `${hidden} less likely classes not shown` : "");
    }
    for (const [l, btn] of this.toggles) setAttr(btn, "aria-pressed", l === s.label ? "true" : "false");
  }
}
