// @vitest-environment jsdom
import { afterEach, describe, expect, it } from "vitest";
import { FakeModel, stateFor, tabularExplanation, tick, XSS_IMG } from "./test_support";
import type { ExplanationDict } from "./types";
import widget from "./widget";

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
  document.body.replaceChildren();
});

function withWarnings(warnings: unknown): ExplanationDict {
  return { ...tabularExplanation(), warnings } as ExplanationDict;
}

describe("explanation warnings", () => {
  it("lists each warning as text, hidden when there is none", async () => {
    const model = new FakeModel(stateFor(withWarnings(["Only the explained instance carries weight", XSS_IMG])));
    const el = document.createElement("div");
    document.body.appendChild(el);
    cleanup = widget.render({ model, el });
    const box = el.querySelector<HTMLElement>('[data-testid="lw-warnings"]')!;
    const items = () => Array.from(el.querySelectorAll<HTMLElement>('[data-testid="lw-warning"]'));
    expect(box.hidden).toBe(false);
    expect(items().map((li) => li.textContent)).toEqual(["Only the explained instance carries weight", XSS_IMG]);
    expect(el.querySelector("img")).toBeNull(); // never parsed as HTML
    model.set("explanation", withWarnings([]));
    await tick();
    expect(box.hidden).toBe(true);
    expect(items()).toEqual([]);
    model.set("explanation", withWarnings("not a list"));
    await tick();
    expect(box.hidden).toBe(true);
  });
});
