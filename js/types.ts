// Shapes of the synced state (docs/PROTOCOL.md) and the slice of the anywidget model we use.

export interface Fit {
  /** [feature_id, weight] pairs, largest |weight| first. */
  weights: Array<[number, number]>;
  intercept: number;
  score: number;
  local_pred: number;
  /** Export only: this fit's intervals and stability (same shape as the `uncertainty` trait). */
  uncertainty?: Uncertainty;
}

/**
 * Intervals and stability of one fit (the `uncertainty` trait, docs/PROTOCOL.md).
 * intervals: [feature_id, weight, low, high, selection_frequency] in the fit's order.
 */
export interface Uncertainty {
  label: number;
  level: number;
  stability: number | null;
  num_samples?: number;
  intervals: Array<[number, number, number | null, number | null, number | null]>;
  error?: string;
}

export interface TextDomain {
  text: string;
  pieces: Array<[string, number]>;
  bow?: boolean;
  char_level?: boolean;
}

export interface TabularDomain {
  columns: string[];
  values: string[];
  categorical?: boolean[];
}

export interface ImageDomain {
  height: number;
  width: number;
  num_segments?: number;
}

/** Offline fits embedded by the HTML export: offline["<label>"]["<num_features>"] = fit. */
export type OfflineFits = Record<string, Record<string, Fit>>;

export interface ExplanationDict {
  modality: "tabular" | "text" | "image";
  mode: "classification" | "regression";
  class_names: string[] | null;
  feature_names: string[];
  labels: number[];
  top_labels: number[] | null;
  fits: Record<string, Fit>;
  settings: {
    num_features?: number;
    feature_selection?: string;
    kernel_width?: number | null;
    num_samples?: number;
    [key: string]: unknown;
  };
  predict_proba?: number[] | null;
  predicted_value?: number;
  min_value?: number;
  max_value?: number;
  domain: TextDomain | TabularDomain | ImageDomain | Record<string, unknown>;
  offline?: OfflineFits;
}

/** Binary array as synced by Python: {data, dtype, shape}. */
export interface BinaryArray {
  data: DataView | ArrayBuffer | ArrayBufferView;
  dtype: string;
  shape: number[];
}

type Callback = (...args: unknown[]) => void;

/** The part of anywidget's model used here (the export's fake model implements the same). */
export interface WidgetModel {
  get(name: string): unknown;
  set(name: string, value: unknown): void;
  on(event: string, callback: Callback): void;
  off(event?: string | null, callback?: Callback | null): void;
  save_changes(): void;
  send?(content: unknown, callbacks?: unknown, buffers?: unknown): void;
}
