// Horizontal diverging bars of a fit's top features (orange right = supports the class,
// blue left = against it), each a focusable toggle; plus the focused-feature summary.

import { formatWeight, signCss } from "./color";
import { h, isActivation, setAttr, setText } from "./dom";
import { className, rankOf, weightOf } from "./resolve";
import { crossesZero, intervalSentence, maxAbsWithIntervals } from "./trust";
import type { ViewContext } from "./view";

export class BarChart {
  readonly element: HTMLElement;
  private readonly title: HTMLElement;
  private readonly legendPos: HTMLElement;
  private readonly legendNeg: HTMLElement;
  private readonly list: HTMLElement;
  private onFocus: (fid: number) => void = () => {};

  constructor(private readonly heading: string) {
    this.title = h("div", { class: "lw-bars-title" });
    this.legendPos = h("span", {});
    this.legendNeg = h("span", {});
    this.list = h("div", { class: "lw-bars", role: "group", "aria-label": heading });
    this.element = h(
      "div",
      { class: "lw-bars-panel" },
      this.title,
      h(
        "div",
        { class: "lw-legend" },
        h("span", {}, h("span", { class: "lw-swatch", style: "background: var(--lw-pos)" }), this.legendPos),
        h("span", {}, h("span", { class: "lw-swatch", style: "background: var(--lw-neg)" }), this.legendNeg),
      ),
      this.list,
    );
    const activate = (e: Event) => {
      const bar = (e.target as Element).closest<HTMLElement>('[data-testid="lw-bar"]');
      if (bar) this.onFocus(Number(bar.dataset.fid));
    };
    this.list.addEventListener("click", activate);
    this.list.addEventListener("keydown", (e) => {
      if (isActivation(e)) {
        e.preventDefault();
        activate(e);
      } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        const bar = (e.target as Element).closest<HTMLElement>('[data-testid="lw-bar"]');
        const next = e.key === "ArrowDown" ? bar?.nextElementSibling : bar?.previousElementSibling;
        if (next instanceof HTMLElement) {
          e.preventDefault();
          next.focus();
        }
      }
    });
  }

  /** Rebuild the bars for the context's fit; `nameOf` gives a feature's display name. */
  update(ctx: ViewContext, nameOf: (fid: number) => string): void {
    this.onFocus = ctx.setFocus;
    const { fit, label } = ctx.resolved;
    const cls = ctx.exp.mode === "regression" ? "the prediction" : className(ctx.exp, label);
    setText(this.title, `${this.heading} \u2014 ${cls}`);
    setText(this.legendPos, ctx.exp.mode === "regression" ? "raises it" : `supports ${cls}`);
    setText(this.legendNeg, ctx.exp.mode === "regression" ? "lowers it" : `against ${cls}`);
    // one scale for bars and whiskers, so every interval fits in the track
    const maxAbs = maxAbsWithIntervals(fit, ctx.trust);
    const pos = (v: number): number => (maxAbs > 0 ? 50 + (v / maxAbs) * 50 : 50);
    const active = document.activeElement as HTMLElement | null;
    const refocus = active && this.list.contains(active) ? active.dataset.fid : undefined;
    const rows = fit.weights.map(([fid, w], i) => {
      const name = nameOf(fid);
      const fill = h("span", { class: "lw-fill" });
      const frac = maxAbs > 0 ? (Math.abs(w) / maxAbs) * 50 : 0;
      fill.style.width = `${frac.toFixed(2)}%`;
      fill.style.left = w < 0 ? `${(50 - frac).toFixed(2)}%` : "50%";
      fill.style.backgroundColor = signCss(w);
      const iv = ctx.trust?.intervals.get(fid);
      const uncertain = iv !== undefined && crossesZero(iv);
      const track = h("span", { class: "lw-track", "aria-hidden": "true" }, fill);
      let described = `${name}: weight ${formatWeight(w)}, rank ${i + 1}`;
      let title = name;
      if (iv) {
        const whisker = h("span", { class: "lw-whisker", "data-testid": "lw-whisker" });
        const lo = Math.max(0, Math.min(100, pos(iv.low)));
        const hi = Math.max(0, Math.min(100, pos(iv.high)));
        whisker.style.left = `${lo.toFixed(2)}%`;
        whisker.style.width = `${Math.max(0, hi - lo).toFixed(2)}%`;
        track.appendChild(whisker);
        const sentence = intervalSentence(iv, ctx.trust!.level);
        described += `, ${sentence}`;
        title = `${name}\nweight ${formatWeight(w)}, ${sentence}`;
      }
      return h(
        "div",
        {
          class: uncertain ? "lw-bar lw-uncertain" : "lw-bar",
          role: "button",
          tabindex: 0,
          "data-testid": "lw-bar",
          "data-feature": name,
          "data-fid": fid,
          "data-weight": w,
          "data-low": iv ? iv.low : null,
          "data-high": iv ? iv.high : null,
          "aria-pressed": fid === ctx.focused ? "true" : "false",
          "aria-label": described,
          title,
        },
        h("span", { class: "lw-bar-name" }, name),
        track,
        h("span", { class: "lw-bar-value" }, formatWeight(w)),
      );
    });
    this.list.replaceChildren(...rows);
    if (refocus !== undefined) {
      const again = rows.find((r) => r.dataset.fid === refocus);
      again?.focus();
    }
  }

  /** Update only the pressed state (focus changes need no rebuild). */
  setFocused(fid: number): void {
    for (const el of Array.from(this.list.children) as HTMLElement[]) {
      setAttr(el, "aria-pressed", Number(el.dataset.fid) === fid ? "true" : "false");
    }
  }
}

/** Sentence about the focused feature: its weight and rank, or that it is not explained. */
export function focusSummary(ctx: ViewContext, name: string): string {
  const { fit, label } = ctx.resolved;
  const cls = ctx.exp.mode === "regression" ? "the prediction" : className(ctx.exp, label);
  const w = weightOf(fit, ctx.focused);
  if (w === undefined) return `\u201c${name}\u201d is not among the ${fit.weights.length} features explained for ${cls}.`;
  const iv = ctx.trust?.intervals.get(ctx.focused);
  const more = iv ? `; ${intervalSentence(iv, ctx.trust!.level)}` : "";
  return `\u201c${name}\u201d: weight ${formatWeight(w)} for ${cls}, rank ${rankOf(fit, ctx.focused)} of ${fit.weights.length}${more}.`;
}

/** The focus summary element, updated from the context. */
export class FocusInfo {
  readonly element = h("div", { class: "lw-focus-info", "aria-live": "polite" });
  update(ctx: ViewContext, nameOf: (fid: number) => string, hint: string): void {
    setText(this.element, ctx.focused >= 0 ? focusSummary(ctx, nameOf(ctx.focused)) : hint);
  }
}
