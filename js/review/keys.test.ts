import { describe, expect, it } from "vitest";
import { counterText, navKey, step, takesArrowKeys } from "./keys";

const el = (tagName: string, attrs: Record<string, string> = {}, editable = false) =>
  ({ tagName, isContentEditable: editable, getAttribute: (n: string) => attrs[n] ?? null }) as unknown as HTMLElement;

const key = (k: string, target: unknown = el("DIV"), mods: Partial<KeyboardEvent> = {}) =>
  ({ key: k, target, altKey: false, ctrlKey: false, metaKey: false, shiftKey: false, ...mods }) as KeyboardEvent;

describe("review keys", () => {
  it("maps the left and right arrows to previous and next", () => {
    expect(navKey(key("ArrowLeft"))).toBe("prev");
    expect(navKey(key("ArrowRight"))).toBe("next");
    expect(navKey(key("ArrowUp"))).toBeNull();
    expect(navKey(key("a"))).toBeNull();
    expect(navKey(key("ArrowRight", el("BUTTON")))).toBe("next"); // a focused button does not use arrows
  });

  it("leaves arrows to text fields, sliders, selects and modified keys", () => {
    for (const t of [el("TEXTAREA"), el("SELECT"), el("INPUT"), el("INPUT", { type: "range" }), el("INPUT", { type: "number" }), el("DIV", {}, true)]) {
      expect(takesArrowKeys(t)).toBe(true);
      expect(navKey(key("ArrowRight", t))).toBeNull();
    }
    expect(takesArrowKeys(el("INPUT", { type: "checkbox" }))).toBe(false);
    expect(navKey(key("ArrowRight", el("DIV"), { altKey: true }))).toBeNull();
    expect(navKey(key("ArrowLeft", el("DIV"), { shiftKey: true }))).toBeNull();
    expect(takesArrowKeys(null)).toBe(false);
  });

  it("steps inside the queue and counts from one", () => {
    expect(step(0, 5, "prev")).toBe(0);
    expect(step(0, 5, "next")).toBe(1);
    expect(step(4, 5, "next")).toBe(4);
    expect(step(9, 5, null)).toBe(4);
    expect(step(3, 0, "next")).toBe(0);
    expect(counterText(6, 23)).toBe("7 of 23");
    expect(counterText(0, 0)).toBe("0 of 0");
  });
});
