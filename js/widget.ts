// lime-widget front end entry (anywidget). Full implementation follows.
type AnyModel = { get(name: string): unknown; on(ev: string, cb: () => void): void; off(ev?: string, cb?: () => void): void };

function render({ model, el }: { model: AnyModel; el: HTMLElement }): () => void {
  const root = document.createElement("div");
  root.setAttribute("data-testid", "lw-root");
  el.appendChild(root);
  const update = (): void => {
    root.textContent = JSON.stringify(model.get("status") ?? "");
  };
  update();
  model.on("change:status", update);
  return () => model.off("change:status", update);
}

export default { render };
