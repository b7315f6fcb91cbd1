// Mounting a view in an offline HTML page (lime_widget/export.py standalone_page): the
// page holds the state as JSON in #lw-state and an empty #lw-root; this renders into it
// and marks <body data-lw-ready="true"> (or "error", with the reason shown as text).

import type { ViewModel, ViewProps } from "../types";
import { decodeBuffers } from "./buffers";

/** The part of a widget module a page needs. */
export interface PageWidget<T extends Record<string, any>> {
  render(props: ViewProps<T>): unknown;
}

/** The traits in the page's #lw-state script, binary ones decoded to DataViews. */
export function readState<T extends Record<string, any>>(doc: Document = document): T {
  const text = doc.getElementById("lw-state")?.textContent ?? "";
  const payload: unknown = JSON.parse(text);
  // a hand-edited or truncated page: say so rather than fail somewhere inside a view
  const traits = (payload as { traits?: unknown } | null)?.traits;
  if (!traits || typeof traits !== "object") throw new Error('the page\'s state (#lw-state) has no "traits" object');
  // export.py wrote every trait of the widget's model (see view_defaults there): this is T
  return decodeBuffers(traits as Record<string, unknown>) as T;
}

/**
 * Render `widget` into #lw-root with the model `makeModel` builds from the page's state.
 * A failure shows as text in the page (`what`: "explanation", "view") and rejects.
 */
export async function mountPage<T extends Record<string, any>>(
  widget: PageWidget<T>, makeModel: (traits: T) => ViewModel<T>, what: string, doc: Document = document,
): Promise<void> {
  const el = doc.getElementById("lw-root");
  if (!el) throw new Error("lime-widget: the page has no #lw-root element");
  try {
    await widget.render({ model: makeModel(readState<T>(doc)), el });
    doc.body.setAttribute("data-lw-ready", "true");
  } catch (err) {
    const pre = doc.createElement("pre");
    pre.textContent = `lime-widget: could not render this ${what}: ${err instanceof Error && err.stack ? err.stack : String(err)}`;
    el.appendChild(pre);
    doc.body.setAttribute("data-lw-ready", "error");
    throw err;
  }
}
