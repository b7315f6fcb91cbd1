// The model objects of the offline pages: they stand in for anywidget's (get, set, on,
// off, save_changes, send) with no kernel behind them. StoreModel only stores values
// and calls listeners (the global view's strips need no Python); ReplayModel also plays
// the kernel's part for an explanation from the fits the export precomputed.

import { isExplanation } from "../resolve";
import type { ExplanationDict, ExplanationTraits, Fit, OfflineFits, ViewModel } from "../types";

// anywidget calls change listeners with (model, value)
type Listener = (...args: any[]) => void;

export class StoreModel<T extends Record<string, any>> implements ViewModel<T> {
  protected readonly values: T;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(traits: T) {
    this.values = { ...traits };
  }

  get<K extends keyof T>(name: K): T[K] {
    return this.values[name];
  }

  set<K extends keyof T>(name: K, value: T[K]): void {
    this.assign(name, value);
  }

  on(event: string, callback: Listener): void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(callback);
  }

  off(event?: string | null, callback?: Listener | null): void {
    if (!event) this.listeners.clear();
    else if (!callback) this.listeners.delete(event);
    else this.listeners.get(event)?.delete(callback);
  }

  /** Nothing to send: there is no kernel. */
  save_changes(): void {}

  send(): void {}

  /** Store a value and tell the listeners, as a change from Python would. */
  protected assign<K extends keyof T>(name: K, value: T[K]): void {
    if (this.values[name] === value) return;
    this.values[name] = value;
    this.emit(`change:${String(name)}`, value);
    this.emit("change", value);
  }

  private emit(event: string, value: unknown): void {
    for (const callback of [...(this.listeners.get(event) ?? [])]) {
      // one broken listener must not stop the others (anywidget's model behaves the same)
      try {
        callback(this, value);
      } catch (err) {
        console.error(err);
      }
    }
  }
}

/** The controls that need Python to refit or re-sample: offline they revert with a message. */
const NEEDS_KERNEL = ["kernel_width", "feature_selection", "num_samples"] as const;
type NeedsKernel = (typeof NEEDS_KERNEL)[number];

function needsKernel(name: keyof ExplanationTraits): name is NeedsKernel {
  return (NEEDS_KERNEL as ReadonlyArray<string>).includes(name);
}

/**
 * An explanation's model in the HTML export: what the widget's Python observers do on a
 * saved control, done from the precomputed `explanation.offline` fits
 * (offline["<label>"]["<num_features>"], lime_widget/export.py offline_state).
 */
export class ReplayModel extends StoreModel<ExplanationTraits> {
  private readonly original: ExplanationTraits;
  private readonly offline: OfflineFits;
  private dirty = new Set<keyof ExplanationTraits>();

  constructor(traits: ExplanationTraits) {
    super(traits);
    this.original = { ...traits };
    this.offline = isExplanation(traits.explanation) ? traits.explanation.offline ?? {} : {};
  }

  override set<K extends keyof ExplanationTraits>(name: K, value: ExplanationTraits[K]): void {
    if (this.values[name] === value) return;
    this.dirty.add(name);
    this.assign(name, value);
  }

  /** What Python would do with the saved changes. */
  override save_changes(): void {
    const names = [...this.dirty];
    this.dirty = new Set();
    for (const name of names) {
      if (name === "num_features") this.replayNumFeatures();
      else if (name === "label") this.replayLabel();
      else if (needsKernel(name)) this.refuse(name);
    }
  }

  private replayNumFeatures(): void {
    // the same check as the widget's observer: the number field may hold anything typed
    let n = Math.round(this.values.num_features);
    if (!Number.isFinite(n) || n < 1) {
      this.fail(`num_features must be an integer >= 1, got ${this.values.num_features}.`);
      return;
    }
    if (n > this.values.num_features_max) {
      n = this.values.num_features_max;
      this.assign("num_features", n);
    }
    const exp = this.values.explanation;
    if (isExplanation(exp)) this.assign("explanation", this.explanationFor(exp, n));
    this.clearError();
  }

  private replayLabel(): void {
    if (!(String(this.values.label) in this.offline)) {
      this.fail(`Class ${this.values.label} was not explained in this exported file.`);
      return;
    }
    this.clearError();
  }

  private refuse(name: NeedsKernel): void {
    this.assign(name, this.original[name]);
    this.fail(`Changing ${name} needs a running Python kernel; this is an exported file.`);
  }

  /** The explanation as Python would send it after a refit to `n` features. */
  private explanationFor(exp: ExplanationDict, n: number): ExplanationDict {
    const fits: Record<string, Fit> = {};
    for (const [label, byCount] of Object.entries(this.offline)) {
      const fit = byCount[String(n)];
      if (fit) fits[label] = fit;
    }
    return { ...exp, fits, settings: { ...exp.settings, num_features: n } };
  }

  private fail(message: string): void {
    this.assign("error", message);
    this.assign("status", "error");
  }

  private clearError(): void {
    this.assign("error", "");
    this.assign("status", "idle");
  }
}
