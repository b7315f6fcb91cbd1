// CSS of the review's own parts (the explanation view brings the shared widget CSS).

export const REVIEW_CSS = `
.lw-review:focus { outline: none; }
.lw-review:focus-visible { outline: 2px solid var(--lw-accent); outline-offset: -2px; }
.lw-review-nav { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; margin-bottom: 8px; }
.lw-review-step { padding: 2px 10px; cursor: pointer; }
.lw-review-counter { font-weight: 600; font-variant-numeric: tabular-nums; min-width: 5.5em; text-align: center; }
.lw-review-group { display: inline-flex; gap: 4px; align-items: center; }
.lw-review-scope, .lw-review-tag { padding: 2px 8px; cursor: pointer; }
.lw-review-scope[aria-pressed="true"], .lw-review-tag[aria-pressed="true"] {
  border-color: var(--lw-accent); box-shadow: inset 0 -3px 0 var(--lw-accent); font-weight: 600;
}
.lw-review-chip { display: inline-flex; gap: 4px; align-items: center; padding: 1px 6px; border: 1px solid var(--lw-accent); border-radius: 10px; }
.lw-review-chip-clear { border: none; background: none; cursor: pointer; padding: 0 2px; }
.lw-review-jump { width: 7em; padding: 1px 4px; }
.lw-review-confusion { margin-bottom: 8px; }
.lw-review-confusion summary { cursor: pointer; color: var(--lw-muted); }
.lw-confusion-scroll { overflow: auto; max-height: 22em; margin-top: 4px; }
.lw-confusion { border-collapse: collapse; font-variant-numeric: tabular-nums; }
.lw-confusion th { font-weight: 600; padding: 2px 6px; text-align: center; max-width: 9em; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.lw-confusion th[scope="row"] { text-align: right; }
.lw-confusion td { padding: 1px; }
.lw-root .lw-confusion-cell {
  min-width: 3.2em; padding: 3px 6px; cursor: pointer; text-align: center;
  background: color-mix(in srgb, var(--lw-neg) calc(var(--lw-shade, 0) * 35%), var(--lw-panel));
}
.lw-root .lw-confusion-cell:not(.lw-diag) {
  background: color-mix(in srgb, var(--lw-pos) calc(var(--lw-shade, 0) * 60%), var(--lw-panel));
}
.lw-confusion-cell[aria-pressed="true"] { outline: 2px solid var(--lw-accent); outline-offset: -2px; font-weight: 700; }
.lw-review-card { border: 1px solid var(--lw-border); border-radius: 4px; padding: 8px; margin-bottom: 8px; background: var(--lw-panel); }
.lw-review-head { display: flex; gap: 10px; align-items: baseline; margin-bottom: 4px; }
.lw-review-title { font-weight: 700; font-size: 1.1em; }
.lw-review-badge { font-size: 0.85em; padding: 0 6px; border-radius: 8px; border: 1px solid var(--lw-border); }
.lw-review-badge[data-verdict="wrong"], .lw-review-badge[data-verdict="failed"] { border-color: var(--lw-error); color: var(--lw-error); }
.lw-review-classes { display: flex; flex-wrap: wrap; gap: 4px 18px; margin-bottom: 6px; font-variant-numeric: tabular-nums; }
.lw-review-explain { display: flex; flex-wrap: wrap; gap: 6px; margin-bottom: 6px; }
.lw-review-explain .lw-class { display: inline-block; }
.lw-review-computing { display: flex; gap: 8px; align-items: center; color: var(--lw-muted); }
.lw-review-empty { color: var(--lw-muted); padding: 12px 4px; }
.lw-review-text {
  font-family: var(--lw-text-font); white-space: pre-wrap; overflow-wrap: anywhere; max-height: 14em; overflow: auto;
  padding: 6px 8px; border: 1px solid var(--lw-border); border-radius: 3px;
}
.lw-review-annotate { display: flex; flex-wrap: wrap; gap: 6px 10px; align-items: center; margin-bottom: 8px; }
.lw-review-tags { display: inline-flex; flex-wrap: wrap; gap: 4px; }
.lw-review-note {
  flex: 1 1 18em; min-height: 2.2em; font: inherit; color: var(--lw-fg); background: var(--lw-panel);
  border: 1px solid var(--lw-border); border-radius: 3px; padding: 3px 6px;
}
.lw-review-notice { color: var(--lw-muted); margin-bottom: 6px; }
.lw-review-notice:empty { display: none; }
`;
