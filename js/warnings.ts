// The explanation's warnings (degenerate fits, sampling problems; `explanation.warnings`,
// docs/PROTOCOL.md) as a small list under the controls. Text only: each warning is a
// text node, never parsed as HTML.

import { h } from "./dom";

export const WARNINGS_CSS = `
.lw-warnings { margin: 4px 0; padding: 4px 8px 4px 22px; font-size: 0.85em; border-left: 3px solid #b26a00; }
.lw-warnings[hidden] { display: none; }
`;

export class WarningsBox {
  readonly element: HTMLUListElement = h("ul", { class: "lw-warnings", "data-testid": "lw-warnings", hidden: true });
  private shown = "[]";

  /** Show `warnings` (anything that is not a list of strings counts as none). */
  update(warnings: unknown): void {
    const list = Array.isArray(warnings) ? warnings.filter((w) => typeof w === "string") : [];
    const key = JSON.stringify(list);
    if (key === this.shown) return;
    this.shown = key;
    this.element.replaceChildren(...list.map((w) => h("li", { "data-testid": "lw-warning" }, w)));
    this.element.hidden = list.length === 0;
  }
}
