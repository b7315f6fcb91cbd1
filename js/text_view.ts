// Text view: the document with each feature word coloured by its weight for the shown
// class, the top features as bars beside it; clicking a word or a bar focuses it
// (every occurrence highlighted, weight and rank shown).

import { BarChart, FocusInfo } from "./bars";
import { formatWeight, isStrong, maxAbsWeight, renderedBackground, textColorFor, weightCss, weightRgba } from "./color";
import { h, isActivation, setAttr } from "./dom";
import { onLayout, onThemeChange } from "./theme";
import type { TextDomain } from "./types";
import { featureName, type View, type ViewContext } from "./view";

interface Word {
  el: HTMLElement;
  fid: number;
}

export class TextView implements View {
  readonly element: HTMLElement;
  private readonly text: HTMLElement;
  private readonly bars = new BarChart("Top features");
  private readonly info = new FocusInfo();
  private words: Word[] = [];
  private byFeature = new Map<number, Word[]>();
  private key = "";
  private ctx: ViewContext | null = null;
  private tabStop = 0;
  /** Panel colour the word colours were computed for ("" before the first layout). */
  private panelKey = "";
  private readonly stops: Array<() => void> = [];

  constructor() {
    this.text = h("div", { class: "lw-text", role: "group", "aria-label": "Document, words coloured by their weight" });
    this.element = h(
      "div",
      { class: "lw-view lw-text-view" },
      h("div", { class: "lw-panel lw-main" }, this.text, this.info.element),
      h("div", { class: "lw-panel lw-side" }, this.bars.element),
    );
    this.text.addEventListener("click", (e) => {
      const w = (e.target as Element).closest<HTMLElement>('[data-testid="lw-word"]');
      if (w && this.ctx) this.ctx.setFocus(Number(w.dataset.fid));
    });
    this.text.addEventListener("keydown", (e) => this.onKey(e));
    this.text.addEventListener("focusin", (e) => {
      const i = this.words.findIndex((w) => w.el === e.target);
      if (i >= 0) this.moveTabStop(i);
    });
    // the text colour of a highlighted word depends on the background it is drawn over,
    // known only once the view is in the page, and again after a theme switch
    const recolour = (): void => this.colourWords(true);
    this.stops.push(onLayout(this.text, () => this.colourWords(false)), onThemeChange(recolour));
  }

  destroy(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  /**
   * Black or white text on every highlighted word, whichever reads better on the
   * highlight composited over the panel's real background (>= 4.5:1 in any theme).
   */
  private colourWords(force: boolean): void {
    const ctx = this.ctx;
    if (!ctx || !this.text.isConnected) return;
    const panel = renderedBackground(this.text);
    const key = panel.join(",");
    if (!force && key === this.panelKey) return;
    this.panelKey = key;
    const weights = new Map<number, number>(ctx.resolved.fit.weights.map(([id, w]) => [id, w]));
    const maxAbs = maxAbsWeight(ctx.resolved.fit.weights);
    for (const { el, fid } of this.words) {
      const w = weights.get(fid);
      const rgba = w === undefined ? null : weightRgba(w, maxAbs);
      const color = rgba && rgba[3] > 0 ? textColorFor(rgba, panel) : "";
      if (el.style.color !== color) el.style.color = color;
    }
  }

  private onKey(e: KeyboardEvent): void {
    const target = (e.target as Element).closest<HTMLElement>('[data-testid="lw-word"]');
    if (!target || !this.ctx) return;
    if (isActivation(e)) {
      e.preventDefault();
      this.ctx.setFocus(Number(target.dataset.fid));
      return;
    }
    const i = this.words.findIndex((w) => w.el === target);
    let j = -1;
    if (e.key === "ArrowRight" || e.key === "ArrowDown") j = Math.min(this.words.length - 1, i + 1);
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") j = Math.max(0, i - 1);
    else if (e.key === "Home") j = 0;
    else if (e.key === "End") j = this.words.length - 1;
    if (j >= 0) {
      e.preventDefault();
      this.moveTabStop(j);
      this.words[j].el.focus();
    }
  }

  /** Roving tabindex: one word in the tab order, arrows move between words. */
  private moveTabStop(i: number): void {
    if (this.words[this.tabStop]) this.words[this.tabStop].el.tabIndex = -1;
    this.tabStop = i;
    if (this.words[i]) this.words[i].el.tabIndex = 0;
  }

  private build(domain: TextDomain): void {
    const nodes: Node[] = [];
    this.words = [];
    this.byFeature = new Map();
    for (const piece of domain.pieces ?? []) {
      const s = String(piece[0]);
      const fid = Number(piece[1]);
      if (fid < 0 || !Number.isInteger(fid)) {
        nodes.push(document.createTextNode(s));
        continue;
      }
      const el = h("span", {
        class: "lw-word",
        role: "button",
        tabindex: -1,
        "data-testid": "lw-word",
        "data-feature": s,
        "data-fid": fid,
        "aria-pressed": "false",
      });
      el.textContent = s;
      const w: Word = { el, fid };
      this.words.push(w);
      const list = this.byFeature.get(fid);
      if (list) list.push(w);
      else this.byFeature.set(fid, [w]);
      nodes.push(el);
    }
    this.text.replaceChildren(...nodes);
    this.tabStop = 0;
    if (this.words[0]) this.words[0].el.tabIndex = 0;
  }

  update(ctx: ViewContext): void {
    this.ctx = ctx;
    const domain = ctx.exp.domain as TextDomain;
    const pieces = domain.pieces ?? [];
    // same document and same feature ids per piece: keep the spans, recolour them in place
    const key = `${domain.text ?? ""}\u0000${pieces.map((p) => p[1]).join(",")}`;
    if (key !== this.key) {
      this.key = key;
      this.build(domain);
    }
    const weights = new Map<number, number>(ctx.resolved.fit.weights.map(([id, w]) => [id, w]));
    const maxAbs = maxAbsWeight(ctx.resolved.fit.weights);
    for (const { el, fid } of this.words) {
      const w = weights.get(fid);
      const bg = w === undefined ? "" : weightCss(w, maxAbs);
      if (el.style.backgroundColor !== bg) el.style.backgroundColor = bg;
      el.classList.toggle("lw-strong", w !== undefined && isStrong(w, maxAbs));
      setAttr(el, "title", w === undefined ? "not among the features explained" : `weight ${formatWeight(w)}`);
      setAttr(el, "data-weight", w === undefined ? null : String(w));
    }
    this.colourWords(true);
    this.bars.update(ctx, (fid) => featureName(ctx, fid));
    this.applyFocus(ctx);
  }

  private applyFocus(ctx: ViewContext): void {
    for (const { el, fid } of this.words) {
      const on = fid === ctx.focused;
      el.classList.toggle("lw-focused", on);
      setAttr(el, "aria-pressed", on ? "true" : "false");
    }
    const occurrences = this.byFeature.get(ctx.focused);
    if (occurrences && occurrences.length && !occurrences.some((w) => w.el === document.activeElement)) {
      const i = this.words.indexOf(occurrences[0]);
      if (i >= 0) this.moveTabStop(i);
    }
    this.bars.setFocused(ctx.focused);
    const nameOf = (fid: number): string => {
      const first = this.byFeature.get(fid)?.[0];
      return first ? first.el.textContent ?? "" : featureName(ctx, fid);
    };
    const count = occurrences?.length ?? 0;
    this.info.update(ctx, nameOf, "Click a word or a bar to focus it (Escape clears).");
    if (ctx.focused >= 0 && count > 1) this.info.element.textContent += ` ${count} occurrences highlighted.`;
  }
}
