// Shapes of the synced state (docs/PROTOCOL.md) and the slice of the anywidget model we use.

import type { AnyModel, RenderProps } from "@anywidget/types";

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
  /** Why the stability does not apply ("all features shown"; then `stability` is null), else null. */
  stability_na?: string | null;
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
  /** Degenerate fits, sampling problems (text only). */
  warnings?: string[];
}

/** Binary array as synced by Python: {data, dtype, shape}. */
export interface BinaryArray {
  data: DataView | ArrayBuffer | ArrayBufferView;
  dtype: string;
  shape: number[];
}

/** A traitlets `Dict()` Python has not filled (yet): `{}`. */
export type EmptyDict = Record<string, never>;

/** Python's `status`: what the kernel is doing for the view. */
export type Status = "idle" | "computing" | "error";

/**
 * The synced traits of one explanation view (`ExplanationViewTraits` in
 * lime_widget/widget/traits.py). traitlets checks every Int, Float, Unicode and Bool
 * before it is sent, so those arrive with these types; the Dict traits are `{}` until
 * Python has something to put there.
 */
export interface ExplanationTraits {
  // Python -> JS
  /** `{}` before the first result (see isExplanation). */
  explanation: ExplanationDict | EmptyDict;
  /** Image explanations only (`{}` otherwise): the display pixels and the superpixels. */
  image: BinaryArray | EmptyDict;
  segments: BinaryArray | EmptyDict;
  status: Status;
  progress: number;
  error: string;
  num_features_max: number;
  /** No kernel behind the model (the HTML export). */
  offline: boolean;
  /** Intervals and stability of the shown fit, `{}` until Python sends them. */
  uncertainty: Uncertainty | EmptyDict;
  // JS -> Python (the controls)
  num_features: number;
  label: number;
  kernel_width: number;
  feature_selection: string;
  num_samples: number;
  /** Focused feature id, -1 for none. */
  focused_feature: number;
  /** A request counter: each increase re-samples with num_samples="auto". */
  sample_until_stable: number;
}

/**
 * The part of anywidget's model (`AnyModel<T>` from @anywidget/types) the views use. The
 * offline pages' replay models and the tests' fake model implement just this.
 */
export type ViewModel<T extends Record<string, any>> = Pick<
  AnyModel<T>, "get" | "set" | "on" | "off" | "save_changes" | "send"
>;

/** The model of an explanation view (ExplanationWidget, and the view inside ErrorReview and GlobalView). */
export type WidgetModel = ViewModel<ExplanationTraits>;

/** What a render() reads of anywidget's `RenderProps<T>`: the model and the element. */
export type ViewProps<T extends Record<string, any>> = Pick<RenderProps<T>, "el"> & { model: ViewModel<T> };
