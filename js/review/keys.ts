// Keyboard navigation of the review: left / right arrow keys step through the queue,
// except where the key already means something (text fields, sliders, selects).

export type NavKey = "prev" | "next" | null;

/** Whether an element takes arrow keys itself (typing, sliders, selects, editable content). */
export function takesArrowKeys(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== "string") return false;
  const tag = el.tagName.toLowerCase();
  if (tag === "textarea" || tag === "select") return true;
  if (tag === "input") {
    const type = (el.getAttribute("type") || "text").toLowerCase();
    return !["button", "checkbox", "radio", "submit", "reset"].includes(type);
  }
  return el.isContentEditable === true;
}

/** The navigation a key event asks for, or null. */
export function navKey(e: Pick<KeyboardEvent, "key" | "altKey" | "ctrlKey" | "metaKey" | "shiftKey" | "target">): NavKey {
  if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return null;
  if (takesArrowKeys(e.target)) return null;
  if (e.key === "ArrowLeft") return "prev";
  if (e.key === "ArrowRight") return "next";
  return null;
}

/** The position after a step, kept inside the queue. */
export function step(position: number, length: number, key: NavKey): number {
  if (length <= 0) return 0;
  const p = Math.min(Math.max(0, Math.trunc(position) || 0), length - 1);
  if (key === "prev") return Math.max(0, p - 1);
  if (key === "next") return Math.min(length - 1, p + 1);
  return p;
}

/** "7 of 23" (1-based), or "0 of 0" for an empty queue. */
export function counterText(position: number, length: number): string {
  if (length <= 0) return "0 of 0";
  return `${step(position, length, null) + 1} of ${length}`;
}
