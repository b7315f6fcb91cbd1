// Shapes of the review's synced state (lime_widget/review/widget.py).

import type { BinaryArray, EmptyDict, ExplanationTraits } from "../types";

export interface TabularInstance {
  kind: "tabular";
  columns: string[];
  values: string[];
}

export interface TextInstance {
  kind: "text";
  text: string;
  truncated?: boolean;
}

export interface ImageInstance {
  kind: "image";
  height: number;
  width: number;
}

export type Instance = TabularInstance | TextInstance | ImageInstance;

/** The row shown (`row` trait); `{}` when the queue is empty. */
export interface ReviewRow {
  index: number;
  id: string;
  /** Position in the queue when Python sent the row. */
  position?: number;
  /** Class name (classification) or target value (regression). */
  true: string | number;
  pred: string | number | null;
  failed: boolean;
  loss: number | null;
  tag: string;
  note: string;
  instance: Instance;
  // classification
  true_label?: number;
  pred_label?: number | null;
  proba?: number[] | null;
  confidence?: number | null;
  correct?: boolean | null;
  // regression
  residual?: number | null;
}

export interface ReviewSummary {
  modality: "tabular" | "text" | "image";
  mode: "classification" | "regression";
  class_names: string[];
  n_rows: number;
  n_errors: number;
  n_failed: number;
  tags: string[];
  /** [value, label] pairs. */
  orders: Array<[string, string]>;
}

export interface ConfusionState {
  labels: string[];
  /** counts[true][predicted] */
  counts: number[][];
}

/** The row's explanation: empty / computing / ready / error. */
export type RowStatus = "empty" | "computing" | "ready" | "error";

/**
 * ErrorReview's synced traits: the explanation view's (the row's explanation is shown by
 * the regular widget on the same model) and the review's own.
 */
export interface ReviewTraits extends ExplanationTraits {
  /** Set before the widget is shown. */
  summary: ReviewSummary;
  /** `{}` for regression. */
  confusion: ConfusionState | EmptyDict;
  queue_length: number;
  /** `{}` when the queue is empty. */
  row: ReviewRow | EmptyDict;
  row_status: RowStatus;
  row_error: string;
  row_progress: number;
  /** The row's pixels for an image model, else `{}`. */
  row_image: BinaryArray | EmptyDict;
  annotated: number;
  notice: string;
  // JS -> Python
  position: number;
  order: string;
  scope: string;
  /** `[]` (no filter) or `[true class, predicted class]`. */
  cell: number[];
}

/** What a review part can ask for; each maps to a trait change or a message to Python. */
export interface ReviewActions {
  go(position: number): void;
  setOrder(order: string): void;
  setScope(scope: string): void;
  setCell(cell: number[]): void;
  jump(rowId: string): void;
  annotate(index: number, change: { tag?: string; note?: string }): void;
  showLabel(label: number): void;
}

export function isRow(v: unknown): v is ReviewRow {
  return !!v && typeof v === "object" && typeof (v as ReviewRow).index === "number";
}
