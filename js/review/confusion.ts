// Confusion matrix whose cells filter the queue to one (true, predicted) pair.

import { h, setAttr } from "../dom";
import type { ConfusionState } from "./types";

export interface CellInfo {
  t: number;
  p: number;
  count: number;
  /** 0..1 shade: mistakes relative to the largest mistake cell, correct cells relative to the largest diagonal. */
  shade: number;
  diagonal: boolean;
}

/** Every cell with its shade (pure; the DOM is built from this). */
export function confusionCells(conf: ConfusionState): CellInfo[][] {
  const k = conf.counts.length;
  let maxOff = 0;
  let maxDiag = 0;
  for (let t = 0; t < k; t++) {
    for (let p = 0; p < k; p++) {
      const c = conf.counts[t][p] ?? 0;
      if (t === p) maxDiag = Math.max(maxDiag, c);
      else maxOff = Math.max(maxOff, c);
    }
  }
  return conf.counts.map((row, t) =>
    row.map((count, p) => {
      const max = t === p ? maxDiag : maxOff;
      return { t, p, count, shade: max > 0 ? count / max : 0, diagonal: t === p };
    }),
  );
}

export function isConfusion(v: unknown): v is ConfusionState {
  const c = v as ConfusionState | null;
  return !!c && typeof c === "object" && Array.isArray(c.counts) && Array.isArray(c.labels);
}

export class ConfusionMatrix {
  readonly element: HTMLDetailsElement;
  private readonly table: HTMLTableElement;
  private key = "";
  private readonly cells: HTMLButtonElement[] = [];

  /** `toggle(t, p)` is called on a click: the parent sets or clears the filter. */
  constructor(private readonly toggle: (t: number, p: number) => void) {
    this.table = h("table", { class: "lw-confusion", "data-testid": "lw-confusion" });
    this.element = h(
      "details",
      { class: "lw-review-confusion", open: true },
      h("summary", {}, "Confusion matrix (rows: true class, columns: predicted; click a cell to review it)"),
      h("div", { class: "lw-confusion-scroll" }, this.table),
    );
    this.table.addEventListener("click", (e) => {
      const btn = (e.target as Element).closest<HTMLButtonElement>('[data-testid="lw-confusion-cell"]');
      if (btn && !btn.disabled) this.toggle(Number(btn.dataset.true), Number(btn.dataset.pred));
    });
  }

  update(conf: ConfusionState | null, cell: number[]): void {
    this.element.hidden = !conf;
    if (!conf) return;
    const key = JSON.stringify(conf);
    if (key !== this.key) {
      this.key = key;
      this.build(conf);
    }
    const active = cell.length === 2 ? `${cell[0]}:${cell[1]}` : "";
    for (const b of this.cells) setAttr(b, "aria-pressed", `${b.dataset.true}:${b.dataset.pred}` === active ? "true" : "false");
  }

  private build(conf: ConfusionState): void {
    const name = (l: number): string => conf.labels[l] ?? String(l);
    const grid = confusionCells(conf);
    this.cells.length = 0;
    const head = h("tr", {}, h("th", { scope: "col", class: "lw-confusion-corner" }, "true \\ pred"));
    for (let p = 0; p < grid.length; p++) head.appendChild(h("th", { scope: "col" }, name(p)));
    const rows = grid.map((row, t) => {
      const tr = h("tr", {}, h("th", { scope: "row" }, name(t)));
      for (const c of row) {
        const btn = h(
          "button",
          {
            type: "button",
            class: c.diagonal ? "lw-confusion-cell lw-diag" : "lw-confusion-cell",
            "data-testid": "lw-confusion-cell",
            "data-true": c.t,
            "data-pred": c.p,
            "data-count": c.count,
            "aria-pressed": "false",
            "aria-label": `true ${name(c.t)}, predicted ${name(c.p)}: ${c.count} row${c.count === 1 ? "" : "s"}`,
            disabled: c.count === 0,
          },
          String(c.count),
        );
        btn.style.setProperty("--lw-shade", c.shade.toFixed(3));
        this.cells.push(btn);
        tr.appendChild(h("td", {}, btn));
      }
      return tr;
    });
    this.table.replaceChildren(h("thead", {}, head), h("tbody", {}, ...rows));
  }
}
