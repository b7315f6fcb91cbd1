// What a modality view receives on each update.

import type { ResolvedFit } from "./resolve";
import type { Trust } from "./trust";
import type { ExplanationDict, WidgetModel } from "./types";

export interface ViewContext {
  exp: ExplanationDict;
  resolved: ResolvedFit;
  /** Focused feature id (-1 for none). */
  focused: number;
  /** Focus a feature (toggles off when it is focused already); -1 clears. */
  setFocus(fid: number): void;
  model: WidgetModel;
  /** Intervals and stability that belong to the fit shown (null until Python sends them). */
  trust: Trust | null;
}

export interface View {
  readonly element: HTMLElement;
  update(ctx: ViewContext): void;
  destroy?(): void;
}

/** Display name of a feature id. */
export function featureName(ctx: ViewContext, fid: number): string {
  const n = ctx.exp.feature_names?.[fid];
  return n === undefined || n === null ? String(fid) : String(n);
}
