// Test helpers (not bundled): a fake anywidget model and small explanations.

import type { GlobalTraits } from "./global_view";
import type { ReviewTraits } from "./review/types";
import type { ExplanationDict, Fit, ViewModel } from "./types";

// anywidget's model calls listeners with (model, value) and custom messages with (content, buffers)
type Callback = (...args: any[]) => void;

/** Every trait a test reads or sets: the explanation view's, the review's and the global view's. */
export type AllTraits = ReviewTraits & GlobalTraits;

/**
 * Fake anywidget model: get/set/on/off/save_changes/send, recording what was saved. Its
 * values are whatever a test gives (malformed ones too, to test the views' checks).
 */
export class FakeModel<T extends Record<string, any> = AllTraits> implements ViewModel<T> {
  values: Record<string, unknown>;
  saved: Array<Record<string, unknown>> = [];
  sent: unknown[] = [];
  private listeners = new Map<string, Set<Callback>>();
  private dirty: Record<string, unknown> = {};
  /** Called on save_changes with the changed values (plays the kernel's part). */
  onSave: ((changes: Record<string, unknown>, model: FakeModel<T>) => void) | null = null;

  constructor(values: Record<string, unknown>) {
    this.values = { ...values };
  }
  get<K extends keyof T>(name: K): T[K] {
    return this.values[name as string] as T[K];
  }
  set<K extends keyof T>(name: K, value: T[K]): void {
    this.values[name as string] = value;
    this.dirty[name as string] = value;
    this.emit(`change:${String(name)}`);
  }
  /** A change coming from Python (not recorded as saved). */
  push(values: Record<string, unknown>): void {
    for (const [k, v] of Object.entries(values)) {
      this.values[k] = v;
      this.emit(`change:${k}`);
    }
  }
  on(event: string, cb: Callback): void {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(cb);
  }
  off(event?: string | null, cb?: Callback | null): void {
    if (!event) this.listeners.clear();
    else if (!cb) this.listeners.delete(event);
    else this.listeners.get(event)?.delete(cb);
  }
  save_changes(): void {
    const changes = this.dirty;
    this.dirty = {};
    this.saved.push(changes);
    this.onSave?.(changes, this);
  }
  send(content: unknown): void {
    this.sent.push(content);
  }
  listenerCount(): number {
    let n = 0;
    for (const s of this.listeners.values()) n += s.size;
    return n;
  }
  private emit(event: string): void {
    for (const cb of [...(this.listeners.get(event) ?? [])]) cb(this, undefined);
  }
}

/** Let queued microtasks (the widget's batched re-render) run. */
export async function tick(): Promise<void> {
  await Promise.resolve();
  await Promise.resolve();
}

export function fit(weights: Array<[number, number]>, score = 0.8, local_pred = 0.7, intercept = 0.1): Fit {
  return { weights, intercept, score, local_pred };
}

export const XSS_IMG = "<img src=x onerror=alert(1)>";
export const XSS_SCRIPT = "<script>alert(1)</script>";

/** A text explanation: "good movie, good plot but bad acting" (+ optional extra words). */
export function textExplanation(over: Partial<ExplanationDict> = {}): ExplanationDict {
  const pieces: Array<[string, number]> = [
    ["good", 0], [" ", -1], ["movie", 1], [", ", -1], ["good", 0], [" ", -1], ["plot", 2],
    [" ", -1], ["but", 3], [" ", -1], ["bad", 4], [" ", -1], ["acting", 5],
  ];
  return {
    modality: "text",
    mode: "classification",
    class_names: ["negative", "positive"],
    feature_names: ["good", "movie", "plot", "but", "bad", "acting"],
    labels: [1],
    top_labels: null,
    fits: { "1": fit([[0, 0.4], [4, -0.3], [2, 0.1]]) },
    settings: { num_features: 3, feature_selection: "auto", kernel_width: 25, num_samples: 5000 },
    predict_proba: [0.2, 0.8],
    domain: { text: pieces.map((p) => p[0]).join(""), pieces, bow: true, char_level: false },
    ...over,
  };
}

export function textState(exp: ExplanationDict = textExplanation()): Record<string, unknown> {
  return {
    explanation: exp,
    status: "idle",
    progress: 1,
    error: "",
    num_features_max: exp.feature_names.length,
    offline: false,
    num_features: exp.settings.num_features,
    label: 1,
    kernel_width: 25,
    feature_selection: "auto",
    num_samples: 5000,
    focused_feature: -1,
    image: {},
    segments: {},
    uncertainty: {},
    sample_until_stable: 0,
  };
}

export function tabularExplanation(over: Partial<ExplanationDict> = {}): ExplanationDict {
  return {
    modality: "tabular",
    mode: "classification",
    class_names: ["setosa", "versicolor", "virginica"],
    feature_names: ["sepal length <= 5.10", "3.00 < sepal width <= 3.30", "petal length > 5.10", "petal width <= 0.30"],
    labels: [0],
    top_labels: null,
    fits: { "0": fit([[2, -0.5], [3, 0.35]], 0.91, 0.86, 0.3) },
    settings: { num_features: 2, feature_selection: "auto", kernel_width: 1.5, num_samples: 5000 },
    predict_proba: [0.9, 0.07, 0.03],
    domain: {
      columns: ["sepal length", "sepal width", "petal length", "petal width"],
      values: ["5.1", "3.2", "1.4", "0.2"],
      categorical: [false, false, false, false],
    },
    ...over,
  };
}

export function stateFor(exp: ExplanationDict, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...textState(exp),
    num_features_max: exp.feature_names.length,
    label: exp.mode === "regression" ? 1 : exp.labels[0],
    kernel_width: exp.settings.kernel_width,
    ...extra,
  };
}

/** A DataView over `bytes`, placed at a non-zero byteOffset inside a bigger buffer. */
export function offsetView(bytes: Uint8Array, offset = 8): DataView {
  const buf = new ArrayBuffer(bytes.byteLength + offset + 4);
  new Uint8Array(buf, offset, bytes.byteLength).set(bytes);
  return new DataView(buf, offset, bytes.byteLength);
}

/** 4x4 image, 4 superpixels (2x2 blocks: 0 1 / 2 3), as synced traits. */
export function imageTraits(offset = 8): { image: unknown; segments: unknown } {
  const h = 4, w = 4;
  const px = new Uint8Array(h * w * 3);
  for (let i = 0; i < h * w; i++) {
    px[i * 3] = 100;
    px[i * 3 + 1] = 110;
    px[i * 3 + 2] = 120;
  }
  const seg = new Int32Array(h * w);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) seg[y * w + x] = (y < 2 ? 0 : 2) + (x < 2 ? 0 : 1);
  return {
    image: { data: offsetView(px, offset), dtype: "uint8", shape: [h, w, 3] },
    segments: { data: offsetView(new Uint8Array(seg.buffer), offset), dtype: "int32", shape: [h, w] },
  };
}

export function imageExplanation(over: Partial<ExplanationDict> = {}): ExplanationDict {
  return {
    modality: "image",
    mode: "classification",
    class_names: null,
    feature_names: ["0", "1", "2", "3"],
    labels: [0, 1],
    top_labels: [1, 0],
    fits: {
      "1": fit([[2, 0.5], [0, -0.4], [3, 0.2], [1, -0.05]]),
      "0": fit([[2, -0.5], [0, 0.4], [3, -0.2], [1, 0.05]]),
    },
    settings: { num_features: 100000, feature_selection: "auto", kernel_width: 0.25, num_samples: 1000 },
    predict_proba: [0.3, 0.7],
    domain: { height: 4, width: 4, num_segments: 4 },
    ...over,
  };
}
