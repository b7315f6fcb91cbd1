// Tabular view: bars of the top features with lime's rule labels, and a table of the
// instance's values with the explained features marked.

import { BarChart, FocusInfo } from "./bars";
import { formatWeight, signCss } from "./color";
import { h } from "./dom";
import type { TabularDomain } from "./types";
import { featureName, type View, type ViewContext } from "./view";

export class TabularView implements View {
  readonly element: HTMLElement;
  private readonly bars = new BarChart("Top features");
  private readonly info = new FocusInfo();
  private readonly tbody: HTMLTableSectionElement;
  private ctx: ViewContext | null = null;

  constructor() {
    this.tbody = h("tbody", {});
    const table = h(
      "table",
      { class: "lw-table", "data-testid": "lw-values" },
      h("caption", {}, "Instance values (explained features marked)"),
      h(
        "thead",
        {},
        h(
          "tr",
          {},
          h("th", { scope: "col" }, "Feature"),
          h("th", { scope: "col" }, "Value"),
          h("th", { scope: "col", class: "lw-num-cell" }, "Weight"),
        ),
      ),
      this.tbody,
    );
    this.tbody.addEventListener("click", (e) => {
      const tr = (e.target as Element).closest<HTMLElement>("tr.lw-explained");
      if (tr && this.ctx) this.ctx.setFocus(Number(tr.dataset.fid));
    });
    this.element = h(
      "div",
      { class: "lw-view lw-tabular-view" },
      h("div", { class: "lw-panel lw-side" }, this.bars.element, this.info.element),
      h("div", { class: "lw-panel lw-main" }, table),
    );
  }

  update(ctx: ViewContext): void {
    this.ctx = ctx;
    const domain = ctx.exp.domain as TabularDomain;
    const columns = domain.columns ?? [];
    const values = domain.values ?? [];
    const weights = new Map<number, number>(ctx.resolved.fit.weights.map(([id, w]) => [id, w]));
    const rows = columns.map((col, i) => {
      const w = weights.get(i);
      const explained = w !== undefined;
      const mark = explained ? h("span", { class: "lw-mark", "aria-hidden": "true" }) : null;
      if (mark) mark.style.background = signCss(w!);
      const tr = h(
        "tr",
        {
          "data-fid": i,
          "data-column": String(col),
          class: explained ? "lw-explained" : null,
          title: explained ? featureName(ctx, i) : null,
        },
        h("td", {}, mark, String(col)),
        h("td", {}, String(values[i] ?? "")),
        h("td", { class: "lw-num-cell" }, explained ? formatWeight(w!) : ""),
      );
      if (explained) tr.classList.toggle("lw-focused", i === ctx.focused);
      return tr;
    });
    this.tbody.replaceChildren(...rows);
    this.bars.update(ctx, (fid) => featureName(ctx, fid));
    this.info.update(ctx, (fid) => featureName(ctx, fid), "Click a bar to focus a feature (Escape clears).");
  }
}
