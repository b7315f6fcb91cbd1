// lime-widget error review (anywidget entry): step through a model's mistakes. The
// explanation of the row shown is the regular widget's render() on the same model (the
// review carries the same traits), so it looks and behaves exactly like ExplanationWidget.

import type { AnyWidget } from "@anywidget/types";
import { coalesce, h, setAttr, setText } from "./dom";
import { Annotator } from "./review/annotate";
import { ConfusionMatrix, isConfusion } from "./review/confusion";
import { navKey } from "./review/keys";
import { Nav } from "./review/nav";
import { RowCard } from "./review/row_card";
import { REVIEW_CSS } from "./review/style";
import { isRow, type ReviewActions, type ReviewTraits } from "./review/types";
import { CSS } from "./style";
import type { ViewProps } from "./types";
import explanationWidget from "./widget";

/** Review traits whose change re-renders the review's own parts. */
export const REVIEW_TRAITS = [
  "summary", "confusion", "queue_length", "row", "row_status", "row_error", "row_progress", "row_image",
  "annotated", "notice", "position", "order", "scope", "cell", "label",
] as const satisfies ReadonlyArray<keyof ReviewTraits>;

/** The confusion-matrix cell filtering the queue, or [] (Python sends [] or [true, predicted]). */
function cellOf(cell: number[]): number[] {
  return cell.length === 2 ? cell : [];
}

// Not exported by name (anywidget's deprecation warning): the default export is the entry.
function render({ model, el }: ViewProps<ReviewTraits>): () => void {
  const root = h("div", {
    class: "lw-root lw-review",
    "data-testid": "lw-review",
    tabindex: 0,
    "aria-label": "Error review: left and right arrow keys step through the rows",
    // JupyterLab (Lumino): keys pressed inside the widget are not notebook shortcuts.
    "data-lm-suppress-shortcuts": "true",
  });
  const style = document.createElement("style");
  style.textContent = CSS + REVIEW_CSS;

  const updates = coalesce(() => safeUpdate());
  const schedule = updates.schedule;
  const save = (values: Partial<ReviewTraits>): void => {
    for (const [k, v] of Object.entries(values)) model.set(k as keyof ReviewTraits, v);
    model.save_changes();
    schedule();
  };
  const send = (content: Record<string, unknown>): void => {
    model.send?.(content);
  };

  const actions: ReviewActions = {
    go: (p) => {
      annotator.flush();
      save({ position: p });
    },
    setOrder: (o) => save({ order: o }),
    setScope: (s) => save({ cell: [], scope: s }),
    setCell: (c) => save({ cell: c }),
    jump: (rowId) => send({ type: "jump", row: rowId }),
    annotate: (index, change) => send({ type: "annotate", index, ...change }),
    showLabel: (l) => save({ label: l }),
  };

  const nav = new Nav(actions);
  const confusion = new ConfusionMatrix((t, p) => {
    const cell = cellOf(model.get("cell"));
    actions.setCell(cell[0] === t && cell[1] === p ? [] : [t, p]);
  });
  const card = new RowCard(actions);
  const annotator = new Annotator(actions);
  const notice = h("div", { class: "lw-review-notice", "data-testid": "lw-review-notice", role: "status" });
  const displayError = h("div", { class: "lw-error", role: "alert", hidden: true });
  const explanationHost = h("div", { class: "lw-review-explanation", "data-testid": "lw-review-explanation", hidden: true });
  root.append(style, nav.element, confusion.element, notice, displayError, card.element, annotator.element, explanationHost);
  el.appendChild(root);
  const cleanupExplanation = explanationWidget.render({ model, el: explanationHost });

  function update(): void {
    const summary = model.get("summary");
    // `{}` when the queue is empty
    const rawRow = model.get("row");
    const row = isRow(rawRow) ? rawRow : null;
    const rowStatus = model.get("row_status");
    const cell = cellOf(model.get("cell"));
    nav.update({
      position: model.get("position"),
      length: model.get("queue_length"),
      order: model.get("order"),
      scope: model.get("scope"),
      cell,
      summary,
    });
    // `{}` for regression
    const conf = model.get("confusion");
    confusion.update(isConfusion(conf) ? conf : null, cell);
    setText(notice, model.get("notice"));
    card.update({
      row,
      summary,
      rowStatus,
      rowError: model.get("row_error"),
      rowProgress: model.get("row_progress"),
      rowImage: model.get("row_image"),
      label: model.get("label"),
    });
    annotator.update(rowStatus === "empty" ? null : row, summary.tags, model.get("annotated"));
    explanationHost.hidden = rowStatus !== "ready";
    setAttr(root, "data-row-status", rowStatus);
    setAttr(root, "data-row-id", row ? row.id : null);
    // "the row at this position is on screen": the counter moves at once, the row when Python answers
    setAttr(root, "data-row-position", row && typeof row.position === "number" ? String(row.position) : null);
    // a control that just became disabled (Next on the last row) must not strand the focus
    const active = document.activeElement as HTMLButtonElement | null;
    if (active && root.contains(active) && active.disabled) root.focus();
  }

  function safeUpdate(): void {
    try {
      displayError.hidden = true;
      update();
    } catch (err) {
      // a malformed payload must not take the review down: say what went wrong
      displayError.hidden = false;
      setText(displayError, `Display error: ${(err as Error)?.message ?? String(err)}`);
      console.error("lime-widget review:", err);
    }
  }

  const onKey = (e: KeyboardEvent): void => {
    const key = navKey(e);
    if (!key) return;
    e.preventDefault();
    e.stopPropagation();
    nav.stepTo(key);
  };
  root.addEventListener("keydown", onKey);
  for (const t of REVIEW_TRAITS) model.on(`change:${t}`, schedule);
  safeUpdate();

  return () => {
    updates.stop();
    for (const t of REVIEW_TRAITS) model.off(`change:${t}`, schedule);
    root.removeEventListener("keydown", onKey);
    cleanupExplanation();
    root.remove();
  };
}

export default { render } satisfies AnyWidget<ReviewTraits>;
