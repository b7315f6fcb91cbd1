// lime-widget front end (anywidget entry): renders `explanation` (docs/PROTOCOL.md)
// and keeps the controls in step with the model. The same render() runs in JupyterLab,
// Notebook 7, VS Code and the standalone HTML export (fake model, no kernel).

import type { AnyWidget } from "@anywidget/types";
import { Controls, type ControlActions } from "./controls";
import { coalesce, h, setAttr, setText } from "./dom";
import { ImageView } from "./image_view";
import { isExplanation, offlineFit, requestedLabel, resolveFit, type FitRequest, type ResolvedFit } from "./resolve";
import { CSS } from "./style";
import { TabularView } from "./tabular_view";
import { TextView } from "./text_view";
import { trustFor, type Trust } from "./trust";
import type { ExplanationDict, ExplanationTraits, Status, ViewModel, ViewProps } from "./types";
import type { View, ViewContext } from "./view";
import { WARNINGS_CSS, WarningsBox } from "./warnings";

export type { ExplanationTraits, ViewProps, WidgetModel } from "./types";

/** Traits whose change re-renders the widget. */
export const TRAITS = [
  "explanation", "status", "progress", "error", "num_features", "num_features_max", "label",
  "kernel_width", "feature_selection", "num_samples", "focused_feature", "image", "segments", "offline",
  "uncertainty",
] as const satisfies ReadonlyArray<keyof ExplanationTraits>;

function makeView(modality: string): View {
  if (modality === "text") return new TextView();
  if (modality === "image") return new ImageView();
  return new TabularView();
}

/** What the controls ask for, read from the model's traits. */
interface Request extends FitRequest {
  numFeaturesMax: number;
  kernelWidth: number;
  featureSelection: string;
  numSamples: number;
  offline: boolean;
}

function readRequest(model: ViewModel<ExplanationTraits>, exp: ExplanationDict): Request {
  return {
    // regression always shows label 1, and a label the explanation lacks falls back to its default
    label: requestedLabel(exp, model.get("label")),
    numFeatures: model.get("num_features"),
    cap: model.get("num_features_max"),
    numFeaturesMax: model.get("num_features_max"),
    kernelWidth: model.get("kernel_width"),
    featureSelection: model.get("feature_selection"),
    numSamples: model.get("num_samples"),
    offline: model.get("offline") || !!exp.offline,
  };
}

/**
 * The fit for the request (see resolve.ts). With nothing for that label and nothing shown
 * yet, any explained label stands in meanwhile; `pending` says the request is not met.
 */
function pickFit(exp: ExplanationDict, req: Request, showing: boolean): { resolved: ResolvedFit | null; pending: boolean } {
  const resolved = resolveFit(exp, req);
  const pending = !resolved || !resolved.exact;
  if (resolved || showing) return { resolved, pending };
  const first = Object.keys(exp.fits)[0];
  const stand = first === undefined ? null : { fit: exp.fits[first], label: Number(first), source: "stale" as const, exact: false };
  return { resolved: stand, pending };
}

/** The status the controls show; an export says when a request is not among its fits. */
function shownStatus(modelStatus: Status, pending: boolean, offline: boolean): { status: Status; note: string } {
  if (modelStatus === "error") return { status: "error", note: pending && offline ? "(not in this export)" : "" };
  if (modelStatus === "computing") return { status: "computing", note: "" };
  if (pending && offline) return { status: "idle", note: "(not in this export)" };
  return { status: pending ? "computing" : "idle", note: "" };
}

/**
 * Intervals and stability for the fit shown: the fit's own (an export embeds them in its
 * offline fits; the fit of the same label and size has the same weights) or the
 * `uncertainty` trait, whichever describes exactly this fit.
 */
function trustOf(
  exp: ExplanationDict, shown: ResolvedFit | null, uncertainty: ExplanationTraits["uncertainty"],
): { trust: Trust | null; trustError: string } {
  if (!shown) return { trust: null, trustError: "" };
  const embedded = offlineFit(exp, shown.label, shown.fit.weights.length)?.uncertainty;
  const trust = trustFor(shown.fit, shown.label, shown.fit.uncertainty, embedded, uncertainty);
  const forThisLabel = "label" in uncertainty && uncertainty.label === shown.label;
  return { trust, trustError: forThisLabel ? uncertainty.error ?? "" : "" };
}

// Not exported by name: anywidget warns that a module-level `render` export will be
// deprecated; the default export below is what it loads.
function render({ model, el }: ViewProps<ExplanationTraits>): () => void {
  const root = h("div", {
    class: "lw-root",
    "data-testid": "lw-root",
    // JupyterLab (Lumino): keys pressed inside the widget are not notebook shortcuts (each
    // focusable element carries the attribute too, see dom.ts).
    "data-lm-suppress-shortcuts": "true",
  });
  const style = document.createElement("style");
  style.textContent = CSS + WARNINGS_CSS;
  const errorBox = h("div", { class: "lw-error", "data-testid": "lw-error", role: "alert", hidden: true });
  const host = h("div", { class: "lw-view-host" });
  const warnings = new WarningsBox();
  const empty = h("div", { class: "lw-empty" }, "Waiting for the explanation\u2026");

  let focused = model.get("focused_feature");
  let view: View | null = null;
  let viewModality = "";
  let last: { exp: ExplanationDict; resolved: ResolvedFit } | null = null;
  let displayError = "";

  const updates = coalesce(() => safeUpdate());
  const schedule = updates.schedule;

  const save = <K extends keyof ExplanationTraits>(name: K, value: ExplanationTraits[K]): void => {
    model.set(name, value);
    model.save_changes();
    schedule(); // do not rely on the model echoing a change event (export's fake model)
  };

  const actions: ControlActions = {
    setLabel: (l) => save("label", l),
    setNumFeatures: (n) => save("num_features", n),
    setNumSamples: (n) => save("num_samples", n),
    setKernelWidth: (w) => save("kernel_width", w),
    setFeatureSelection: (s) => save("feature_selection", s),
    // a request counter: every increase asks Python for one num_samples="auto" run
    sampleUntilStable: () => save("sample_until_stable", model.get("sample_until_stable") + 1),
  };
  const controls = new Controls(actions);

  const setFocus = (fid: number): void => {
    const next = fid === focused || !Number.isInteger(fid) ? -1 : fid;
    focused = next;
    save("focused_feature", next);
  };

  root.append(style, controls.element, controls.statusElement, errorBox, warnings.element, host);
  el.appendChild(root);

  /** Before the first explanation: the status line and a placeholder. */
  function showWaiting(modelStatus: Status): void {
    controls.element.hidden = true;
    controls.updateStatus(modelStatus, modelStatus, model.get("progress"), "");
    if (!view && empty.parentNode !== host) host.replaceChildren(empty);
    setAttr(root, "data-status", modelStatus);
  }

  function showExplanation(exp: ExplanationDict, modelStatus: Status): void {
    controls.element.hidden = false;
    const req = readRequest(model, exp);
    const { resolved, pending } = pickFit(exp, req, !!last && last.exp.modality === exp.modality);
    const { status, note } = shownStatus(modelStatus, pending, req.offline);
    const shownFit = resolved ?? last?.resolved ?? null;
    const { trust, trustError } = trustOf(exp, shownFit, model.get("uncertainty"));
    controls.update({
      ...req,
      exp,
      resolved: shownFit,
      status,
      modelStatus,
      progress: model.get("progress"),
      note,
      trust,
      trustError,
    });
    if (resolved) showFit(exp, resolved, resolved === shownFit ? trust : null);
    setAttr(root, "data-status", status);
  }

  /** Draw `resolved` in the view of the explanation's modality (made anew when it changes). */
  function showFit(exp: ExplanationDict, resolved: ResolvedFit, trust: Trust | null): void {
    if (!view || viewModality !== exp.modality) {
      view?.destroy?.();
      view = makeView(exp.modality);
      viewModality = exp.modality;
      host.replaceChildren(view.element);
    }
    const ctx: ViewContext = { exp, resolved, focused, setFocus, model, trust };
    view.update(ctx);
    last = { exp, resolved };
    root.dataset.modality = exp.modality;
    root.dataset.label = String(resolved.label);
    root.dataset.numFeatures = String(resolved.fit.weights.length);
  }

  function update(): void {
    const t0 = performance.now();
    const raw = model.get("explanation");
    const exp = isExplanation(raw) ? raw : null; // `{}` until Python's first result
    const modelStatus = model.get("status");
    const error = [model.get("error"), displayError].filter(Boolean).join("\n");
    errorBox.hidden = !error;
    setText(errorBox, error);
    focused = model.get("focused_feature");
    warnings.update(exp ? exp.warnings : []);
    if (exp) showExplanation(exp, modelStatus);
    else showWaiting(modelStatus);
    root.dataset.renderMs = (performance.now() - t0).toFixed(2);
  }

  function safeUpdate(): void {
    try {
      displayError = "";
      update();
    } catch (err) {
      // A malformed payload must not take the widget down: say what went wrong.
      displayError = `Display error: ${(err as Error)?.message ?? String(err)}`;
      errorBox.hidden = false;
      setText(errorBox, displayError);
      console.error("lime-widget:", err);
    }
  }

  const onKey = (e: KeyboardEvent): void => {
    if (e.key === "Escape" && focused >= 0) {
      e.preventDefault();
      e.stopPropagation();
      setFocus(-1);
    }
  };
  root.addEventListener("keydown", onKey);

  for (const t of TRAITS) model.on(`change:${t}`, schedule);
  safeUpdate();

  return () => {
    updates.stop();
    for (const t of TRAITS) model.off(`change:${t}`, schedule);
    root.removeEventListener("keydown", onKey);
    view?.destroy?.();
    root.remove();
  };
}

export default { render } satisfies AnyWidget<ExplanationTraits>;
