// Theme changes the view must react to (colours computed in JS from the rendered
// background): JupyterLab's theme switch and the system's light/dark preference.

/** Call `cb` whenever the notebook's theme or the colour scheme changes; returns a stop function. */
export function onThemeChange(cb: () => void): () => void {
  const stops: Array<() => void> = [];
  if (typeof MutationObserver !== "undefined" && typeof document !== "undefined" && document.body) {
    // JupyterLab and Notebook 7 mark the theme on <body>
    const observer = new MutationObserver(cb);
    observer.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-name", "data-jp-theme-light", "class"] });
    stops.push(() => observer.disconnect());
  }
  if (typeof window !== "undefined" && typeof window.matchMedia === "function") {
    const query = window.matchMedia("(prefers-color-scheme: dark)");
    query.addEventListener?.("change", cb);
    stops.push(() => query.removeEventListener?.("change", cb));
  }
  return () => stops.forEach((stop) => stop());
}

/** Call `cb` when `el` is laid out or resized (a view is often rendered before it is attached). */
export function onLayout(el: Element, cb: () => void): () => void {
  if (typeof ResizeObserver === "undefined") return () => {};
  const observer = new ResizeObserver(cb);
  observer.observe(el);
  return () => observer.disconnect();
}
