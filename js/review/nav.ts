// The review's navigation bar: previous / counter / next, queue order, errors or all
// rows, the active confusion-matrix filter, and jump to a row id.

import { h, setAttr, setText } from "../dom";
import { counterText, step } from "./keys";
import type { ReviewActions, ReviewSummary } from "./types";

export interface NavState {
  position: number;
  length: number;
  order: string;
  scope: string;
  /** Active filter as [true, predicted] class indices, or []. */
  cell: number[];
  summary: ReviewSummary | null;
}

/** "9 mistakes in 150 rows (2 the model failed on)". */
export function summaryText(summary: ReviewSummary | null): string {
  if (!summary) return "";
  const failed = summary.n_failed ? ` (+${summary.n_failed} the model failed on)` : "";
  if (summary.mode === "regression") return `${summary.n_errors} of ${summary.n_rows} rows off target${failed}`;
  return `${summary.n_errors} ${summary.n_errors === 1 ? "mistake" : "mistakes"} in ${summary.n_rows} rows${failed}`;
}

/** Text of the active filter chip ("true cat → predicted dog"), or "" with no filter. */
export function filterText(cell: number[], summary: ReviewSummary | null): string {
  if (cell.length !== 2) return "";
  const name = (l: number): string => summary?.class_names?.[l] ?? String(l);
  return `true ${name(cell[0])} \u2192 predicted ${name(cell[1])}`;
}

export class Nav {
  readonly element: HTMLElement;
  private readonly prev: HTMLButtonElement;
  private readonly next: HTMLButtonElement;
  private readonly counter: HTMLElement;
  private readonly order: HTMLSelectElement;
  private readonly scopeErrors: HTMLButtonElement;
  private readonly scopeAll: HTMLButtonElement;
  private readonly chip: HTMLElement;
  private readonly chipText: HTMLElement;
  private readonly jumpField: HTMLInputElement;
  private readonly summary: HTMLElement;
  private ordersKey = "";
  private state: NavState = { position: 0, length: 0, order: "confidence", scope: "errors", cell: [], summary: null };

  constructor(private readonly actions: ReviewActions) {
    this.prev = h("button", { type: "button", class: "lw-review-step", "data-testid": "lw-review-prev", "aria-label": "Previous row (left arrow)", title: "Previous row (\u2190)" }, "\u2190 Prev");
    this.next = h("button", { type: "button", class: "lw-review-step", "data-testid": "lw-review-next", "aria-label": "Next row (right arrow)", title: "Next row (\u2192)" }, "Next \u2192");
    this.counter = h("span", { class: "lw-review-counter", "data-testid": "lw-review-counter", role: "status", "aria-live": "polite" }, "0 of 0");
    this.prev.addEventListener("click", () => this.stepTo("prev"));
    this.next.addEventListener("click", () => this.stepTo("next"));

    this.order = h("select", { "data-testid": "lw-review-order", "aria-label": "Order of the queue" });
    this.order.addEventListener("change", () => this.actions.setOrder(this.order.value));

    this.scopeErrors = h("button", { type: "button", class: "lw-review-scope", "data-testid": "lw-review-scope", "data-scope": "errors", "aria-pressed": "true" }, "Errors");
    this.scopeAll = h("button", { type: "button", class: "lw-review-scope", "data-testid": "lw-review-scope", "data-scope": "all", "aria-pressed": "false", title: "Every row, right or wrong (teaching)" }, "All rows");
    for (const b of [this.scopeErrors, this.scopeAll]) b.addEventListener("click", () => this.actions.setScope(String(b.dataset.scope)));

    this.chipText = h("span", {});
    const clear = h("button", { type: "button", class: "lw-review-chip-clear", "data-testid": "lw-review-clear-filter", "aria-label": "Clear the confusion-matrix filter" }, "\u00d7");
    clear.addEventListener("click", () => this.actions.setCell([]));
    this.chip = h("span", { class: "lw-review-chip", "data-testid": "lw-review-filter", hidden: true }, "Only ", this.chipText, " ", clear);

    this.jumpField = h("input", { type: "text", class: "lw-review-jump", "data-testid": "lw-review-jump", placeholder: "row id", "aria-label": "Jump to row id", size: 8 });
    const go = h("button", { type: "button", "data-testid": "lw-review-jump-go" }, "Go");
    const submit = (): void => {
      const v = this.jumpField.value.trim();
      if (v) this.actions.jump(v);
    };
    go.addEventListener("click", submit);
    this.jumpField.addEventListener("keydown", (e) => {
      if (e.key === "Enter") {
        e.preventDefault();
        submit();
      }
    });

    this.summary = h("span", { class: "lw-note", "data-testid": "lw-review-summary" });
    this.element = h(
      "div",
      { class: "lw-review-nav", role: "toolbar", "aria-label": "Review navigation" },
      this.prev,
      this.counter,
      this.next,
      this.summary,
      h("span", { class: "lw-review-group", role: "group", "aria-label": "Rows" }, this.scopeErrors, this.scopeAll),
      h("label", { class: "lw-row" }, "Order ", this.order),
      this.chip,
      h("span", { class: "lw-review-group" }, this.jumpField, go),
    );
  }

  /** Move one row back or forward (buttons and arrow keys). */
  stepTo(key: "prev" | "next"): void {
    const { position, length } = this.state;
    const p = step(position, length, key);
    if (p === position) return;
    // keys pressed faster than the re-render still step one row each
    this.state = { ...this.state, position: p };
    this.actions.go(p);
  }

  update(s: NavState): void {
    this.state = s;
    setText(this.counter, counterText(s.position, s.length));
    setText(this.summary, summaryText(s.summary));
    this.prev.disabled = s.length === 0 || s.position <= 0;
    this.next.disabled = s.length === 0 || s.position >= s.length - 1;

    const orders = s.summary?.orders ?? [];
    const key = JSON.stringify(orders);
    if (key !== this.ordersKey) {
      this.ordersKey = key;
      this.order.replaceChildren(...orders.map(([v, label]) => h("option", { value: v }, label)));
    }
    this.order.value = s.order;

    const filtered = s.cell.length === 2;
    setAttr(this.scopeErrors, "aria-pressed", !filtered && s.scope === "errors" ? "true" : "false");
    setAttr(this.scopeAll, "aria-pressed", !filtered && s.scope === "all" ? "true" : "false");
    this.chip.hidden = !filtered;
    setText(this.chipText, filterText(s.cell, s.summary));
  }
}
