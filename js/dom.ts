// Tiny DOM builder. Text always goes through textContent / createTextNode and
// attributes through setAttribute: user data is never parsed as HTML.

export type Attrs = Record<string, string | number | boolean | null | undefined>;

/** Elements that can take keyboard focus without a tabindex. */
const FOCUSABLE_TAGS = new Set(["button", "input", "select", "textarea", "summary", "a"]);

/**
 * JupyterLab and Notebook 7 (Lumino) match a shortcut on the focused element first and
 * only then walk up to the widget's root, so the attribute that keeps the notebook's
 * keys (arrows, `b`, `a`, Enter...) away must sit on every element that can be focused.
 */
export const SUPPRESS_SHORTCUTS = "data-lm-suppress-shortcuts";

export function isFocusable(tag: string, attrs: Attrs): boolean {
  return FOCUSABLE_TAGS.has(tag) || (attrs.tabindex !== undefined && attrs.tabindex !== null && attrs.tabindex !== false);
}
export type Child = Node | string | number | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  if (isFocusable(tag, attrs)) el.setAttribute(SUPPRESS_SHORTCUTS, "true");
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    el.setAttribute(k, v === true ? "" : String(v));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  }
}

/** Set text only when it changed (keeps the DOM and screen readers quiet). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text;
}

/** Set or remove an attribute only when it changed. */
export function setAttr(el: Element, name: string, value: string | null): void {
  if (value === null) {
    if (el.hasAttribute(name)) el.removeAttribute(name);
  } else if (el.getAttribute(name) !== value) {
    el.setAttribute(name, value);
  }
}

/** Whether a key event activates a control (Enter or Space). */
export function isActivation(e: KeyboardEvent): boolean {
  return e.key === "Enter" || e.key === " " || e.key === "Spacebar";
}

/**
 * Coalesce bursts of change events into one `run()` per microtask (a batch of trait
 * changes renders once). `stop()` cancels pending and future runs (view removed).
 */
export function coalesce(run: () => void): { schedule: () => void; stop: () => void } {
  let scheduled = false;
  let stopped = false;
  return {
    schedule: () => {
      if (scheduled || stopped) return;
      scheduled = true;
      queueMicrotask(() => {
        scheduled = false;
        if (!stopped) run();
      });
    },
    stop: () => {
      stopped = true;
    },
  };
}
