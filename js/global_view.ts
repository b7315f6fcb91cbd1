// lime-widget global view (anywidget entry): every row's weights on one strip per feature,
// drawn on a <canvas> (10,000 rows are 10,000 dots, not DOM nodes). A clicked dot opens
// that row below with the regular widget's render() on the same model (the Python side
// mirrors the row's ExplanationWidget into these traits), so its controls work as usual.

import type { AnyWidget } from "@anywidget/types";
import { decodeArray } from "./decode";
import { coalesce, h, setAttr, setText } from "./dom";
import { ariaSummary, colorLevel, DEFAULT_GEOMETRY, hitTest, layoutDots, moveFocus, paintDots, type Dots, type Geometry } from "./global/layout";
import { CSS } from "./style";
import { onLayout, onThemeChange } from "./theme";
import type { BinaryArray, ExplanationTraits, ViewProps } from "./types";
import explanationWidget from "./widget";

export interface GlobalSummary {
  mode: string;
  modality: string;
  n_rows: number;
  n_failed: number;
  labels: number[];
  class_names: string[];
  features: string[];
  importance: number[][];
  ranking: number[][];
  row_ids: string[];
  positions: number[];
  picked: number[];
  color_kind: "value" | "presence";
}

/**
 * GlobalView's synced traits (lime_widget/widget/global_view.py): the explanation view's
 * (a clicked row opens in the regular widget on the same model) and the strips'.
 */
export interface GlobalTraits extends ExplanationTraits {
  summary: GlobalSummary;
  /** float32 [label, row, feature] weights (NaN: not among the row's features). */
  weights: BinaryArray;
  /** float32 [row, feature] colour levels in [0, 1] (NaN: no value). */
  colors: BinaryArray;
  global_label: number;
  /** Position of the opened row, -1 for none. */
  selected: number;
  selection_error: string;
}

export const GLOBAL_TRAITS = [
  "summary", "weights", "colors", "global_label", "selected", "selection_error", "status",
] as const satisfies ReadonlyArray<keyof GlobalTraits>;

const GLOBAL_CSS = `
.lw-global-head { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; margin-bottom: 6px; }
.lw-global-classes { display: flex; flex-wrap: wrap; gap: 4px; }
.lw-global-classes button { padding: 2px 8px; cursor: pointer; }
.lw-global-classes button[aria-pressed="true"] { border-color: var(--lw-accent); box-shadow: inset 0 -3px 0 var(--lw-accent); font-weight: 600; }
.lw-global-canvas { display: block; max-width: 100%; }
.lw-global-canvas:focus-visible { outline: 2px solid var(--lw-accent); outline-offset: 2px; }
.lw-global-legend, .lw-global-status, .lw-global-row-head { color: var(--lw-muted); margin: 4px 0; font-variant-numeric: tabular-nums; }
.lw-global-row-head { color: var(--lw-fg); font-weight: 600; display: flex; gap: 8px; align-items: center; border-top: 1px solid var(--lw-border); padding-top: 6px; }
`;

function cssVar(el: Element, name: string, fallback: string): string {
  const v = getComputedStyle(el).getPropertyValue(name).trim();
  return v || fallback;
}

function render({ model, el }: ViewProps<GlobalTraits>): () => void {
  const root = h("div", { class: "lw-root lw-global", "data-testid": "lw-global", "data-lm-suppress-shortcuts": "true" });
  const style = document.createElement("style");
  style.textContent = CSS + GLOBAL_CSS;
  const title = h("div", { class: "lw-global-title", "data-testid": "lw-global-title" });
  const classes = h("div", { class: "lw-global-classes", role: "group", "aria-label": "Class shown" });
  const head = h("div", { class: "lw-global-head" }, title, classes);
  // role "application": a screen reader in browse mode hands the arrow keys to the chart
  const canvas = h("canvas", { class: "lw-global-canvas", "data-testid": "lw-global-canvas", tabindex: 0, role: "application", "aria-roledescription": "strip chart" });
  const legend = h("div", { class: "lw-global-legend" });
  const status = h("div", { class: "lw-global-status", "data-testid": "lw-global-status", role: "status", "aria-live": "polite" });
  const errorBox = h("div", { class: "lw-error", "data-testid": "lw-global-error", role: "alert", hidden: true });
  const close = h("button", { type: "button", "data-testid": "lw-global-close" }, "Close");
  const rowTitle = h("span", {});
  const rowHead = h("div", { class: "lw-global-row-head", "data-testid": "lw-global-row-head", hidden: true }, rowTitle, close);
  const host = h("div", { class: "lw-global-explanation", "data-testid": "lw-global-explanation", hidden: true });
  root.append(style, head, canvas, legend, status, errorBox, rowHead, host);
  el.appendChild(root);
  const cleanupExplanation = explanationWidget.render({ model, el: host });

  let summary: GlobalSummary | null = null;
  let weights: ArrayLike<number> = [];
  let colors: ArrayLike<number> = [];
  let dots: Dots | null = null;
  let focusDot = -1;
  let labelIndex = 0;
  let localError = "";
  let geometry: Geometry = { ...DEFAULT_GEOMETRY };
  let decodedFrom: unknown[] = [null, null];

  const save = (values: Partial<GlobalTraits>): void => {
    for (const [k, v] of Object.entries(values)) model.set(k as keyof GlobalTraits, v);
    model.save_changes();
    updates.schedule();
  };
  const updates = coalesce(() => safeUpdate());

  function openRow(rowIndex: number): void {
    if (!summary) return;
    if (model.get("offline")) {
      localError = `Row ${summary.row_ids[rowIndex]}: opening a row's explanation needs a running Python kernel; this is an exported file (the strips and ranking work offline).`;
      updates.schedule();
      return;
    }
    localError = "";
    save({ selected: summary.positions[rowIndex] });
  }

  function describeDot(i: number): string {
    if (!summary || !dots || i < 0) return "";
    const f = summary.ranking[labelIndex][dots.strip[i]];
    const r = dots.row[i];
    const nF = summary.features.length;
    const w = weights[labelIndex * summary.n_rows * nF + r * nF + f];
    const v = colors[r * nF + f];
    const value = summary.color_kind === "value" ? (Number.isFinite(v) ? `, value ${(v * 100).toFixed(0)}% of its range` : ", value not a number") : "";
    const picked = summary.picked.includes(r) ? ", picked" : "";
    return `Row ${summary.row_ids[r]}, ${summary.features[f]}: weight ${w >= 0 ? "+" : ""}${w.toPrecision(3)}${value}${picked}`;
  }

  // The strips (names, dots, rings) are drawn once into an off-screen canvas; moving the
  // keyboard focus only copies it back and draws the focus box.
  let base: HTMLCanvasElement | null = null;
  let baseKey = "";
  let themeStamp = 0;

  function drawBase(ctx: CanvasRenderingContext2D, dots: Dots, summary: GlobalSummary): void {
    const fg = cssVar(root, "color", "#1f1f1f");
    const border = cssVar(root, "--lw-border", "#d0d0d0");
    const accent = cssVar(root, "--lw-accent", "#1565c0");
    const font = cssVar(root, "font-family", "sans-serif");
    const ranking = summary.ranking[labelIndex];
    const importance = summary.importance[labelIndex];
    const mid = (dots.plotLeft + dots.plotRight) / 2;
    ctx.font = `12px ${font}`;
    ctx.textBaseline = "middle";
    ctx.fillStyle = fg;
    ctx.textAlign = "center";
    ctx.fillText(`-${dots.maxAbs.toPrecision(2)}`, dots.plotLeft, 10);
    ctx.fillText("0", mid, 10);
    ctx.fillText(`+${dots.maxAbs.toPrecision(2)}`, dots.plotRight, 10);
    ranking.forEach((f, s) => {
      const y = geometry.top + s * geometry.stripHeight + geometry.stripHeight / 2;
      ctx.strokeStyle = border;
      ctx.lineWidth = 1;
      ctx.beginPath();
      ctx.moveTo(dots.plotLeft, y);
      ctx.lineTo(dots.plotRight, y);
      ctx.stroke();
      ctx.fillStyle = fg;
      ctx.textAlign = "right";
      const name = summary.features[f];
      ctx.fillText(name.length > 24 ? `${name.slice(0, 23)}\u2026` : name, geometry.labelWidth - 8, y);
      ctx.textAlign = "left";
      ctx.fillText(importance[f].toPrecision(2), dots.plotRight + 8, y);
    });
    ctx.strokeStyle = fg;
    ctx.beginPath();
    ctx.moveTo(mid, geometry.top);
    ctx.lineTo(mid, geometry.top + ranking.length * geometry.stripHeight);
    ctx.stroke();
    const nF = summary.features.length;
    const r = geometry.radius;
    // the dots: pixels written into their own layer, composited over the strip lines
    const dpr = window.devicePixelRatio || 1;
    const layer = document.createElement("canvas");
    layer.width = Math.round(geometry.width * dpr);
    layer.height = Math.round(dots.height * dpr);
    const lctx = layer.getContext("2d");
    if (lctx) {
      const image = lctx.createImageData(layer.width, layer.height);
      const d = dots;
      paintDots(new Uint32Array(image.data.buffer), layer.width, layer.height, d, r, dpr,
        (i) => colorLevel(colors[d.row[i] * nF + ranking[d.strip[i]]]));
      lctx.putImageData(image, 0, 0);
      ctx.save();
      ctx.setTransform(1, 0, 0, 1, 0, 0);
      ctx.drawImage(layer, 0, 0);
      ctx.restore();
    }
    const selectedRow = summary.positions.indexOf(model.get("selected"));
    const picked = new Set(summary.picked);
    for (let i = 0; i < dots.x.length; i++) {
      const row = dots.row[i];
      if (!picked.has(row) && row !== selectedRow) continue;
      ctx.strokeStyle = row === selectedRow ? accent : fg;
      ctx.lineWidth = row === selectedRow ? 2 : 1.25;
      ctx.beginPath();
      ctx.arc(dots.x[i], dots.y[i], r + 2.5, 0, 2 * Math.PI);
      ctx.stroke();
    }
  }

  function draw(): void {
    if (!summary || !dots) return;
    const ctx = canvas.getContext("2d");
    if (!ctx) return; // jsdom: the layout functions are what the tests check
    const dpr = window.devicePixelRatio || 1;
    const w = Math.round(geometry.width * dpr);
    const hgt = Math.round(dots.height * dpr);
    const key = [labelIndex, w, hgt, model.get("selected"), themeStamp].join("|");
    if (!base || key !== baseKey) {
      base = base ?? document.createElement("canvas");
      base.width = w;
      base.height = hgt;
      const bctx = base.getContext("2d");
      if (!bctx) return;
      bctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      bctx.clearRect(0, 0, geometry.width, dots.height);
      drawBase(bctx, dots, summary);
      baseKey = key;
    }
    if (canvas.width !== w || canvas.height !== hgt) {
      canvas.width = w;
      canvas.height = hgt;
      canvas.style.width = `${geometry.width}px`;
      canvas.style.height = `${dots.height}px`;
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, hgt);
    ctx.drawImage(base, 0, 0);
    if (focusDot >= 0 && focusDot < dots.x.length) {
      const r = geometry.radius;
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.strokeStyle = cssVar(root, "--lw-accent", "#1565c0");
      ctx.lineWidth = 2;
      ctx.strokeRect(dots.x[focusDot] - r - 4, dots.y[focusDot] - r - 4, 2 * r + 8, 2 * r + 8);
    }
  }

  function update(): void {
    const t0 = performance.now();
    // GlobalView sets summary, weights and colors before it is shown
    const raw = model.get("summary");
    const wRaw = model.get("weights");
    const cRaw = model.get("colors");
    if (summary !== raw || decodedFrom[0] !== wRaw || decodedFrom[1] !== cRaw) {
      weights = decodeArray(wRaw).values;
      colors = decodeArray(cRaw).values;
      decodedFrom = [wRaw, cRaw];
      dots = null;
    }
    const newLabel = Math.max(0, raw.labels.indexOf(model.get("global_label")));
    if (summary !== raw || newLabel !== labelIndex) {
      summary = raw;
      labelIndex = newLabel;
      dots = null;
      focusDot = -1;
      markFocus();
    }
    const width = root.clientWidth > 0 ? Math.max(360, Math.min(900, root.clientWidth - 16)) : DEFAULT_GEOMETRY.width;
    if (width !== geometry.width) {
      geometry = { ...geometry, width };
      dots = null;
    }
    if (!dots) {
      const tLayout = performance.now();
      dots = layoutDots(weights, raw.n_rows, raw.features.length, labelIndex, raw.ranking[labelIndex], geometry);
      root.dataset.layoutMs = (performance.now() - tLayout).toFixed(2);
      markFocus(); // a new width moves the dots (same order, so the focus stays on its dot)
    }
    const className = raw.mode === "classification" ? `class ${raw.class_names[labelIndex]}` : "the prediction";
    const failed = raw.n_failed ? ` (${raw.n_failed} failed, left out)` : "";
    setText(title, `${raw.n_rows} rows${failed}: features by mean |weight| for ${className}`);
    // one toggle per class (regression has one: no toggle)
    classes.hidden = raw.labels.length < 2;
    if (classes.childElementCount !== raw.labels.length) {
      classes.replaceChildren(...raw.labels.map((l, i) => {
        const b = h("button", { type: "button", "data-label": l }, raw.class_names[i]);
        b.addEventListener("click", () => save({ global_label: l }));
        return b;
      }));
    }
    Array.from(classes.children).forEach((b, i) => setAttr(b, "aria-pressed", i === labelIndex ? "true" : "false"));
    setAttr(canvas, "aria-label", ariaSummary(raw.n_rows, className, raw.features, raw.importance[labelIndex], raw.ranking[labelIndex]));
    const kind = raw.color_kind === "value" ? "Colour: the feature's value in the row, blue low, purple, red high (grey: not a number)." : "Colour: the word or superpixel is present in its row.";
    const n = raw.picked.length;
    const pickNote = n ? ` Circled: the ${n} picked row${n === 1 ? "" : "s"} (e.g. a submodular pick's).` : "";
    setText(legend, `Each dot is one row's weight; x from negative (left) to positive (right). ${kind}${pickNote} Click a dot or press Enter on it to open the row.`);
    setText(status, describeDot(focusDot));
    const selected = model.get("selected");
    const error = [model.get("selection_error"), localError].filter(Boolean).join("\n");
    errorBox.hidden = !error;
    setText(errorBox, error);
    const open = selected >= 0 && !model.get("selection_error");
    const r = raw.positions.indexOf(selected);
    rowHead.hidden = !open;
    host.hidden = !open;
    setText(rowTitle, open ? `Row ${r >= 0 ? raw.row_ids[r] : selected} (position ${selected})` : "");
    setAttr(root, "data-selected", open ? String(selected) : null);
    setAttr(root, "data-label", String(raw.labels[labelIndex]));
    setAttr(root, "data-dots", String(dots.x.length));
    draw();
    root.dataset.renderMs = (performance.now() - t0).toFixed(2);
  }

  function safeUpdate(): void {
    try {
      update();
    } catch (err) {
      errorBox.hidden = false;
      setText(errorBox, `Display error: ${(err as Error)?.message ?? String(err)}`);
      console.error("lime-widget global view:", err);
    }
  }

  // where the keyboard focus is, in CSS pixels of the canvas (browser tests aim the mouse there)
  function markFocus(): void {
    const on = !!dots && focusDot >= 0;
    setAttr(canvas, "data-focus-row", on ? String(dots!.row[focusDot]) : null);
    setAttr(canvas, "data-focus-x", on ? dots!.x[focusDot].toFixed(1) : null);
    setAttr(canvas, "data-focus-y", on ? dots!.y[focusDot].toFixed(1) : null);
  }

  const onClick = (e: MouseEvent): void => {
    if (!dots) return;
    const box = canvas.getBoundingClientRect();
    const hit = hitTest(dots, e.clientX - box.left, e.clientY - box.top, geometry.radius, 3);
    if (hit < 0) return;
    focusDot = hit;
    markFocus();
    openRow(dots.row[hit]);
  };
  const onKey = (e: KeyboardEvent): void => {
    if (!dots) return;
    if (e.key === "Enter" || e.key === " ") {
      if (focusDot < 0) return;
      e.preventDefault();
      e.stopPropagation();
      openRow(dots.row[focusDot]);
      return;
    }
    if (!["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Home", "End"].includes(e.key)) return;
    e.preventDefault();
    e.stopPropagation();
    focusDot = moveFocus(dots, focusDot, e.key);
    markFocus();
    updates.schedule();
  };
  const onCloseRow = (): void => {
    localError = "";
    save({ selected: -1 });
    canvas.focus();
  };
  canvas.addEventListener("click", onClick);
  canvas.addEventListener("keydown", onKey);
  close.addEventListener("click", onCloseRow);
  const stopTheme = onThemeChange(() => {
    themeStamp++;
    updates.schedule();
  });
  const stopLayout = onLayout(root, () => updates.schedule());
  for (const t of GLOBAL_TRAITS) model.on(`change:${t}`, updates.schedule);
  safeUpdate();

  return () => {
    updates.stop();
    stopTheme();
    stopLayout();
    for (const t of GLOBAL_TRAITS) model.off(`change:${t}`, updates.schedule);
    canvas.removeEventListener("click", onClick);
    canvas.removeEventListener("keydown", onKey);
    close.removeEventListener("click", onCloseRow);
    cleanupExplanation();
    root.remove();
  };
}

export default { render } satisfies AnyWidget<GlobalTraits>;
