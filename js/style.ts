// The widget's CSS: a constant string injected through a <style> element's textContent.
// Colours follow the JupyterLab theme through --jp-* variables, then VS Code's
// --vscode-* variables, then light/dark fallbacks for the standalone HTML export.
// Every text colour is the theme's foreground or a mix of it with the background
// (never a fixed accent), so text keeps >= 4.5:1 in light and dark themes; the
// browser tests measure it (tests/e2e/test_contrast.py).

export const CSS = `
.lw-root {
  --lw-fg: var(--jp-ui-font-color1, var(--vscode-editor-foreground, #1f1f1f));
  /* secondary text: 70% foreground over the background (the themes' own color2 is too faint) */
  --lw-muted: color-mix(in srgb, var(--lw-fg) 70%, var(--lw-bg));
  --lw-bg: var(--jp-layout-color0, var(--vscode-editor-background, #ffffff));
  --lw-panel: var(--jp-layout-color1, var(--vscode-editor-background, #ffffff));
  --lw-track: var(--jp-layout-color2, rgba(128, 128, 128, 0.16));
  --lw-border: var(--jp-border-color2, var(--vscode-panel-border, #d0d0d0));
  --lw-accent: var(--jp-brand-color1, var(--vscode-focusBorder, #1565c0));
  --lw-error: var(--jp-error-color1, var(--vscode-errorForeground, #c62828));
  --lw-font: var(--jp-ui-font-family, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
  --lw-text-font: var(--jp-content-font-family, var(--lw-font));
  --lw-code-font: var(--jp-code-font-family, ui-monospace, SFMono-Regular, Menlo, Consolas, monospace);
  --lw-size: var(--jp-ui-font-size1, 13px);
  --lw-pos: rgb(230, 97, 1);
  --lw-neg: rgb(67, 147, 195);
  color: var(--lw-fg);
  background: var(--lw-bg);
  font-family: var(--lw-font);
  font-size: var(--lw-size);
  line-height: 1.4;
  padding: 8px;
  box-sizing: border-box;
  max-width: 100%;
}
@media (prefers-color-scheme: dark) {
  .lw-root {
    --lw-fg: var(--jp-ui-font-color1, var(--vscode-editor-foreground, #e8e8e8));
    --lw-bg: var(--jp-layout-color0, var(--vscode-editor-background, #1e1e1e));
    --lw-panel: var(--jp-layout-color1, var(--vscode-editor-background, #252526));
    --lw-border: var(--jp-border-color2, var(--vscode-panel-border, #474747));
    --lw-accent: var(--jp-brand-color1, var(--vscode-focusBorder, #64b5f6));
    --lw-error: var(--jp-error-color1, var(--vscode-errorForeground, #ef9a9a));
  }
}
.lw-root *, .lw-root *::before, .lw-root *::after { box-sizing: border-box; }
.lw-root [hidden] { display: none !important; }
.lw-root :focus-visible { outline: 2px solid var(--lw-accent); outline-offset: 1px; }
.lw-root button, .lw-root input, .lw-root select {
  font: inherit; color: var(--lw-fg); background: var(--lw-panel);
  border: 1px solid var(--lw-border); border-radius: 3px;
}
/* disabled controls stay readable (no opacity): muted text and a dashed border */
.lw-root input:disabled, .lw-root select:disabled, .lw-root button:disabled {
  color: var(--lw-muted); border-style: dashed; cursor: not-allowed; opacity: 1;
}
.lw-controls { display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: flex-start; margin-bottom: 8px; }
.lw-group { display: flex; flex-direction: column; gap: 4px; min-width: 0; }
.lw-group-title { font-size: 0.85em; color: var(--lw-muted); text-transform: uppercase; letter-spacing: 0.04em; }
.lw-row { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.lw-classes { display: flex; flex-direction: column; gap: 3px; max-height: 16em; overflow: auto; }
.lw-class {
  display: grid; grid-template-columns: minmax(5em, 12em) 7em 3.6em; gap: 6px; align-items: center;
  text-align: left; padding: 2px 6px; cursor: pointer;
}
.lw-class[aria-pressed="true"] { border-color: var(--lw-accent); box-shadow: inset 3px 0 0 var(--lw-accent); font-weight: 600; }
.lw-class-name { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.lw-class-value { text-align: right; font-variant-numeric: tabular-nums; }
.lw-prob { position: relative; height: 10px; background: var(--lw-track); border-radius: 2px; overflow: hidden; }
.lw-prob-fill { position: absolute; left: 0; top: 0; bottom: 0; background: var(--lw-accent); opacity: 0.75; }
.lw-prediction { font-variant-numeric: tabular-nums; }
.lw-prediction strong { font-size: 1.3em; }
.lw-num { width: 5.5em; padding: 1px 4px; }
.lw-range { width: 10em; accent-color: var(--lw-accent); }
.lw-advanced summary { cursor: pointer; color: var(--lw-muted); }
.lw-advanced[open] summary { margin-bottom: 4px; }
.lw-advanced .lw-row { margin-bottom: 4px; }
.lw-quality, .lw-note { color: var(--lw-muted); font-variant-numeric: tabular-nums; }
.lw-status-line { display: flex; gap: 8px; align-items: center; min-height: 1.5em; }
.lw-status { font-weight: 600; }
.lw-status-line { border-left: 3px solid var(--lw-accent); padding-left: 6px; }
.lw-status-line:has(.lw-status[data-status="error"]) { border-left-color: var(--lw-error); }
.lw-progress { width: 10em; height: 0.8em; accent-color: var(--lw-accent); }
.lw-error {
  border: 1px solid var(--lw-error); border-left-width: 4px; color: var(--lw-fg);
  padding: 6px 8px; margin-bottom: 8px; white-space: pre-wrap; font-family: var(--lw-code-font); font-size: 0.92em;
  max-height: 12em; overflow: auto; border-radius: 3px;
}
.lw-view { display: flex; flex-wrap: wrap; gap: 12px 20px; align-items: flex-start; }
.lw-panel { min-width: 0; }
.lw-main { flex: 2 1 320px; }
.lw-side { flex: 1 1 260px; }
.lw-empty { color: var(--lw-muted); padding: 12px 0; }
.lw-text {
  font-family: var(--lw-text-font); font-size: 1.05em; line-height: 1.9; white-space: pre-wrap; overflow-wrap: anywhere;
  max-height: 28em; overflow: auto; padding: 6px 8px; border: 1px solid var(--lw-border); border-radius: 3px;
  background: var(--lw-panel);
}
.lw-word { border-radius: 3px; padding: 1px 1px; cursor: pointer; }
.lw-word.lw-strong { font-weight: 600; }
.lw-word.lw-focused, .lw-word[aria-pressed="true"] { outline: 2px solid var(--lw-accent); outline-offset: 1px; font-weight: 700; }
.lw-bars-title { font-weight: 600; margin-bottom: 4px; }
.lw-legend { display: flex; gap: 10px; font-size: 0.85em; color: var(--lw-muted); margin-bottom: 6px; flex-wrap: wrap; }
.lw-swatch { display: inline-block; width: 0.9em; height: 0.9em; border-radius: 2px; vertical-align: -0.1em; margin-right: 3px; }
/* long feature names wrap (the rule's condition stays visible) up to 22em; the bar gets the rest */
.lw-bars {
  display: grid; grid-template-columns: minmax(6em, max-content) minmax(8em, 1fr) max-content; row-gap: 2px;
  max-height: 44em; overflow: auto;
}
.lw-bar {
  grid-column: 1 / -1; display: grid; grid-template-columns: subgrid; column-gap: 8px; align-items: center;
  padding: 2px 4px; border-radius: 3px; cursor: pointer; border: 1px solid transparent;
}
@supports not (grid-template-columns: subgrid) {
  .lw-bar { grid-template-columns: minmax(6em, 16em) minmax(8em, 1fr) 4.5em; }
}
.lw-bar:hover { background: var(--lw-track); }
.lw-bar[aria-pressed="true"] { border-color: var(--lw-accent); background: var(--lw-track); }
.lw-bar-name {
  white-space: normal; overflow-wrap: anywhere; max-width: 22em; line-height: 1.25;
  font-family: var(--lw-code-font); font-size: 0.92em;
}
.lw-bar-value { text-align: right; font-variant-numeric: tabular-nums; }
.lw-track { position: relative; height: 14px; }
.lw-track::before { content: ""; position: absolute; left: 50%; top: -2px; bottom: -2px; border-left: 1px solid var(--lw-muted); opacity: 0.6; }
.lw-fill { position: absolute; top: 1px; bottom: 1px; border-radius: 2px; }
/* the interval: a thin line with end caps across the bar (foreground colour, so it shows on both signs) */
.lw-whisker {
  position: absolute; top: 50%; height: 0; border-top: 1.5px solid var(--lw-fg);
  pointer-events: none;
}
.lw-whisker::before, .lw-whisker::after {
  content: ""; position: absolute; top: -5px; height: 8px; border-left: 1.5px solid var(--lw-fg);
}
.lw-whisker::before { left: 0; }
.lw-whisker::after { right: 0; }
/* the interval crosses zero: the bar is hatched and faded (its text keeps full contrast) */
.lw-uncertain .lw-fill {
  opacity: 0.55;
  background-image: repeating-linear-gradient(135deg, transparent 0 3px, var(--lw-bg) 3px 5px);
}
.lw-quality { display: flex; flex-wrap: wrap; gap: 4px 10px; align-items: center; }
.lw-stability {
  color: var(--lw-fg); border: 1px solid var(--lw-border); border-radius: 9px; padding: 0 7px;
  font-variant-numeric: tabular-nums; white-space: nowrap; cursor: help;
}
.lw-stability.lw-unstable { border-color: var(--lw-error); border-style: dashed; }
.lw-auto { padding: 1px 8px; cursor: pointer; }
.lw-focus-info { min-height: 1.5em; margin-top: 8px; font-variant-numeric: tabular-nums; }
/* tabular: the bars are the explanation, the instance's values come second */
.lw-tabular-view > .lw-side { flex: 3 1 420px; }
.lw-tabular-view > .lw-main { flex: 2 1 280px; max-width: 44em; }
.lw-table td:first-child { overflow-wrap: anywhere; }
.lw-table td + td { white-space: nowrap; }
.lw-table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
.lw-table caption { text-align: left; font-weight: 600; margin-bottom: 4px; }
.lw-table th, .lw-table td { text-align: left; padding: 3px 8px; border-bottom: 1px solid var(--lw-border); }
.lw-table td.lw-num-cell, .lw-table th.lw-num-cell { text-align: right; }
.lw-table tr.lw-explained { cursor: pointer; }
.lw-table tr.lw-explained td:first-child { font-weight: 600; }
.lw-table tr.lw-focused td { background: var(--lw-track); }
.lw-mark { display: inline-block; width: 0.7em; height: 0.7em; border-radius: 50%; margin-right: 6px; }
.lw-canvas-wrap { display: inline-block; max-width: 100%; }
.lw-canvas { display: block; max-width: 100%; height: auto; image-rendering: pixelated; cursor: crosshair; border: 1px solid var(--lw-border); }
.lw-image-controls .lw-range { width: 7em; }
.lw-image-controls { display: flex; flex-wrap: wrap; gap: 6px 14px; align-items: center; margin: 6px 0; }
.lw-seg { display: inline-flex; border: 1px solid var(--lw-border); border-radius: 3px; overflow: hidden; }
.lw-seg button { border: 0; border-radius: 0; padding: 2px 8px; cursor: pointer; }
.lw-seg button[aria-pressed="true"] { background: var(--lw-track); box-shadow: inset 0 -3px 0 var(--lw-accent); font-weight: 600; }
.lw-image-hint { border-left: 3px solid var(--lw-accent); padding: 4px 8px; margin: 6px 0; }
`;
