// lime-widget front end (anywidget entry): renders `explanation` (docs/PROTOCOL.md)
// and keeps the controls in step with the model. The same render() runs in JupyterLab,
// Notebook 7, VS Code and the standalone HTML export (fake model, no kernel).

import { Controls, type ControlActions } from "./controls";
import { coalesce, h, setAttr, setText } from "./dom";
import { ImageView } from "./image_view";
import { intOr, isExplanation, offlineFit, requestedLabel, resolveFit, type ResolvedFit } from "./resolve";
import { CSS } from "./style";
import { TabularView } from "./tabular_view";
import { TextView } from "./text_view";
import { trustFor } from "./trust";
import type { ExplanationDict, WidgetModel } from "./types";
import type { View, ViewContext } from "./view";
import { WARNINGS_CSS, WarningsBox } from "./warnings";

export type { WidgetModel } from "./types";

/** Traits whose change re-renders the widget. */
export const TRAITS = [
  "explanation", "status", "progress", "error", "num_features", "num_features_max", "label",
  "kernel_width", "feature_selection", "num_samples", "focused_feature", "image", "segments", "offline",
  "uncertainty",
] as const;

function numOrNull(v: unknown): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function makeView(modality: string): View {
  if (modality === "text") return new TextView();
  if (modality === "image") return new ImageView();
  return new TabularView();
}

export interface RenderProps {
  model: WidgetModel;
  el: HTMLElement;
}

// Not exported by name: anywidget warns that a module-level `render` export will be
// deprecated; the default export below is what it loads.
function render({ model, el }: RenderProps): () => void {
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

  let focused = intOr(model.get("focused_feature"), -1);
  let view: View | null = null;
  let viewModality = "";
  let last: { exp: ExplanationDict; resolved: ResolvedFit } | null = null;
  let displayError = "";

  const updates = coalesce(() => safeUpdate());
  const schedule = updates.schedule;

  const save = (name: string, value: unknown): void => {
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
    sampleUntilStable: () => save("sample_until_stable", intOr(model.get("sample_until_stable"), 0) + 1),
  };
  const controls = new Controls(actions);

  const setFocus = (fid: number): void => {
    const next = fid === focused || !Number.isInteger(fid) ? -1 : fid;
    focused = next;
    save("focused_feature", next);
  };

  root.append(style, controls.element, controls.statusElement, errorBox, warnings.element, host);
  el.appendChild(root);

  function update(): void {
    const t0 = performance.now();
    const raw = model.get("explanation");
    const exp = isExplanation(raw) ? raw : null;
    const modelStatus = String(model.get("status") ?? "idle") || "idle";
    const progress = Number(model.get("progress") ?? 0);
    const error = [String(model.get("error") ?? ""), displayError].filter(Boolean).join("\n");
    errorBox.hidden = !error;
    setText(errorBox, error);
    focused = intOr(model.get("focused_feature"), focused);
    warnings.update(exp ? (exp as { warnings?: unknown }).warnings : []);

    if (!exp) {
      controls.element.hidden = true;
      controls.updateStatus(modelStatus === "error" || modelStatus === "computing" ? modelStatus : "idle", modelStatus, progress, "");
      if (!view && empty.parentNode !== host) host.replaceChildren(empty);
      setAttr(root, "data-status", modelStatus);
      root.dataset.renderMs = (performance.now() - t0).toFixed(2);
      return;
    }
    controls.element.hidden = false;

    const label = requestedLabel(exp, model.get("label"));
    const numFeatures = intOr(model.get("num_features"), exp.settings?.num_features ?? 10);
    const kernelWidth = numOrNull(model.get("kernel_width")) ?? numOrNull(exp.settings?.kernel_width);
    const fsel = model.get("feature_selection");
    const featureSelection = typeof fsel === "string" && fsel ? fsel : String(exp.settings?.feature_selection ?? "auto");

    const numFeaturesMax = intOr(model.get("num_features_max"), exp.feature_names.length);
    const offline = model.get("offline") === true || !!exp.offline;
    let resolved = resolveFit(exp, { label, numFeatures, kernelWidth, featureSelection, cap: numFeaturesMax });
    const pending = !resolved || !resolved.exact;
    if (!resolved && !(last && last.exp.modality === exp.modality)) {
      // nothing for that label yet and nothing shown: show any explained label meanwhile
      const first = Object.keys(exp.fits)[0];
      if (first !== undefined) resolved = { fit: exp.fits[first], label: Number(first), source: "stale", exact: false };
    }

    let status = modelStatus === "error" ? "error" : modelStatus === "computing" || pending ? "computing" : "idle";
    let note = "";
    if (pending && offline && modelStatus !== "computing") {
      status = modelStatus === "error" ? "error" : "idle";
      note = "(not in this export)";
    }
    const shownFit = resolved ?? last?.resolved ?? null;
    const rawTrust = model.get("uncertainty");
    // an export embeds them in its offline fits (the fit of the same label and size has the same weights)
    const trust = shownFit
      ? trustFor(shownFit.fit, shownFit.label, shownFit.fit.uncertainty,
        offlineFit(exp, shownFit.label, shownFit.fit.weights.length)?.uncertainty, rawTrust)
      : null;
    const trustError =
      rawTrust && typeof rawTrust === "object" && (rawTrust as { label?: unknown }).label === shownFit?.label
        ? String((rawTrust as { error?: unknown }).error ?? "")
        : "";
    controls.update({
      exp,
      label,
      numFeatures,
      numFeaturesMax,
      numSamples: numOrNull(model.get("num_samples")) ?? numOrNull(exp.settings?.num_samples),
      kernelWidth,
      featureSelection,
      resolved: resolved ?? last?.resolved ?? null,
      status,
      modelStatus,
      progress,
      note,
      offline,
      trust,
      trustError,
    });

    if (resolved) {
      if (!view || viewModality !== exp.modality) {
        view?.destroy?.();
        view = makeView(exp.modality);
        viewModality = exp.modality;
        host.replaceChildren(view.element);
      }
      const ctx: ViewContext = { exp, resolved, focused, setFocus, model, trust: resolved === shownFit ? trust : null };
      view.update(ctx);
      last = { exp, resolved };
      root.dataset.modality = exp.modality;
      root.dataset.label = String(resolved.label);
      root.dataset.numFeatures = String(resolved.fit.weights.length);
    }
    setAttr(root, "data-status", status);
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

export default { render };
