// The row on screen: its id, true and predicted class with probabilities (or target and
// prediction), one click to explain the true class, progress while its explanation is
// computed, the model's error when it failed, and its instance until the explanation shows.

import { formatNumber } from "../color";
import { h, setAttr, setText } from "../dom";
import { renderInstance } from "./instance";
import type { BinaryArray, EmptyDict } from "../types";
import type { ReviewActions, ReviewRow, ReviewSummary, RowStatus } from "./types";

export interface RowState {
  row: ReviewRow | null;
  summary: ReviewSummary | null;
  rowStatus: RowStatus;
  rowError: string;
  rowProgress: number;
  rowImage: BinaryArray | EmptyDict;
  /** Class the explanation view shows (the model's `label`). */
  label: number;
}

function prob(row: ReviewRow, label: number | null | undefined): string {
  const p = label === null || label === undefined ? undefined : row.proba?.[label];
  return p === undefined || p === null ? "" : ` (p = ${formatNumber(p, 2)})`;
}

/** A target or prediction as typed by a person: 6 significant digits, no padding ("10", "7.5"). */
export function plainNumber(v: number | null | undefined): string {
  return typeof v === "number" && Number.isFinite(v) ? String(+v.toPrecision(6)) : "\u2014";
}

/** One-line verdict: "misclassified", "correct", "model failed", or the residual. */
export function verdict(row: ReviewRow): string {
  if (row.failed) return "model failed";
  if (row.residual !== undefined) return row.residual === null ? "" : `residual ${plainNumber(row.residual)}`;
  return row.correct ? "correct" : "misclassified";
}

export class RowCard {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly truth: HTMLElement;
  private readonly predicted: HTMLElement;
  private readonly explainPred: HTMLButtonElement;
  private readonly explainTrue: HTMLButtonElement;
  private readonly progress: HTMLProgressElement;
  private readonly progressLine: HTMLElement;
  private readonly rowError: HTMLElement;
  private readonly instanceHost: HTMLElement;
  private readonly empty: HTMLElement;
  private readonly body: HTMLElement;
  private instanceKey = "";
  private row: ReviewRow | null = null;

  constructor(private readonly actions: ReviewActions) {
    this.title = h("span", { class: "lw-review-title", "data-testid": "lw-review-row-id" });
    this.badge = h("span", { class: "lw-review-badge", "data-testid": "lw-review-verdict" });
    this.truth = h("span", { "data-testid": "lw-review-true" });
    this.predicted = h("span", { "data-testid": "lw-review-pred" });
    this.explainPred = h("button", { type: "button", class: "lw-class", "data-testid": "lw-review-explain-pred", "aria-pressed": "true" }, "Why the prediction");
    this.explainTrue = h("button", { type: "button", class: "lw-class", "data-testid": "lw-review-explain-true", "aria-pressed": "false" }, "Why not the true class");
    this.explainPred.addEventListener("click", () => {
      if (typeof this.row?.pred_label === "number") this.actions.showLabel(this.row.pred_label);
    });
    this.explainTrue.addEventListener("click", () => {
      if (typeof this.row?.true_label === "number") this.actions.showLabel(this.row.true_label);
    });
    this.progress = h("progress", { class: "lw-progress", "data-testid": "lw-review-progress", max: 1, value: 0, "aria-label": "Explaining this row" });
    this.progressLine = h("div", { class: "lw-review-computing", hidden: true }, "Explaining this row\u2026 ", this.progress);
    this.rowError = h("div", { class: "lw-error", "data-testid": "lw-review-row-error", role: "alert", hidden: true });
    this.instanceHost = h("div", {});
    this.empty = h("div", { class: "lw-review-empty", "data-testid": "lw-review-empty", hidden: true });
    this.body = h(
      "div",
      { class: "lw-review-row" },
      h("div", { class: "lw-review-head" }, this.title, this.badge),
      h("div", { class: "lw-review-classes" }, h("span", {}, "True: ", this.truth), h("span", {}, "Predicted: ", this.predicted)),
      h("div", { class: "lw-review-explain", role: "group", "aria-label": "Class explained" }, this.explainPred, this.explainTrue),
      this.progressLine,
      this.rowError,
      this.instanceHost,
    );
    this.element = h("div", { class: "lw-review-card" }, this.empty, this.body);
  }

  update(s: RowState): void {
    const row = s.row;
    this.row = row;
    if (!row || s.rowStatus === "empty") {
      this.body.hidden = true;
      this.empty.hidden = false;
      setText(this.empty, emptyText(s.summary));
      return;
    }
    this.body.hidden = false;
    this.empty.hidden = true;
    setText(this.title, `Row ${row.id}`);
    const v = verdict(row);
    setText(this.badge, v);
    setAttr(this.badge, "data-verdict", row.failed ? "failed" : row.correct === false ? "wrong" : row.correct ? "correct" : "residual");

    const classification = row.residual === undefined;
    if (classification) {
      setText(this.truth, `${row.true}${prob(row, row.true_label)}`);
      setText(this.predicted, row.failed ? "\u2014" : `${row.pred}${prob(row, row.pred_label)}`);
    } else {
      setText(this.truth, plainNumber(Number(row.true)));
      setText(this.predicted, row.pred === null ? "\u2014" : plainNumber(Number(row.pred)));
    }

    const ready = s.rowStatus === "ready";
    const two = classification && !row.failed && row.pred_label !== row.true_label;
    this.explainPred.parentElement!.hidden = !two;
    this.explainPred.disabled = this.explainTrue.disabled = !ready;
    setAttr(this.explainPred, "aria-pressed", s.label === row.pred_label ? "true" : "false");
    setAttr(this.explainTrue, "aria-pressed", s.label === row.true_label ? "true" : "false");
    setText(this.explainPred, `Why ${row.pred ?? ""}`.trim() + (two ? " (predicted)" : ""));
    setText(this.explainTrue, `Why not ${row.true} (true class)`);

    this.progressLine.hidden = s.rowStatus !== "computing";
    this.progress.value = Math.min(1, Math.max(0, Number.isFinite(s.rowProgress) ? s.rowProgress : 0));
    this.rowError.hidden = !(s.rowStatus === "error" && s.rowError);
    setText(this.rowError, s.rowStatus === "error" ? s.rowError : "");

    // the explanation views show the instance once ready; until then the card does
    const key = ready ? "" : `${row.index}`;
    if (key !== this.instanceKey) {
      this.instanceKey = key;
      this.instanceHost.replaceChildren(...(ready ? [] : [renderInstance(row.instance, s.rowImage)]));
    }
  }
}

/** The friendly empty state. */
export function emptyText(summary: ReviewSummary | null): string {
  if (!summary) return "Nothing to review yet.";
  if (summary.n_errors === 0 && summary.n_failed === 0) {
    const what = summary.mode === "regression" ? "matches every target exactly" : "gets every row right";
    return `No errors to review: the model ${what} (${summary.n_rows} rows). Choose \u201cAll rows\u201d to browse them anyway.`;
  }
  return "No rows here: this filter is empty. Clear it or choose another cell.";
}
