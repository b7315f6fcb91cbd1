// Annotations of the row on screen: one tag (click again to clear) and a free-text note.
// Both are sent to Python with the row's index, so a late message never lands on another row.

import { h, setAttr, setText } from "../dom";
import type { ReviewActions, ReviewRow } from "./types";

export class Annotator {
  readonly element: HTMLElement;
  private readonly tags: HTMLElement;
  private readonly custom: HTMLElement;
  private readonly note: HTMLTextAreaElement;
  private readonly count: HTMLElement;
  private tagsKey = "";
  private row: ReviewRow | null = null;
  /** The note as last sent or received, to send only real edits. */
  private noteSent = "";
  private noteRow = -1;

  constructor(private readonly actions: ReviewActions) {
    this.tags = h("span", { class: "lw-review-tags", role: "group", "aria-label": "Tag this row" });
    this.custom = h("span", { class: "lw-note", hidden: true });
    this.tags.addEventListener("click", (e) => {
      const btn = (e.target as Element).closest<HTMLButtonElement>('[data-testid="lw-review-tag"]');
      if (!btn || !this.row) return;
      const tag = String(btn.dataset.tag);
      this.actions.annotate(this.row.index, { tag: this.row.tag === tag ? "" : tag });
    });
    this.note = h("textarea", { class: "lw-review-note", "data-testid": "lw-review-note", rows: 2, placeholder: "Note about this row", "aria-label": "Note about this row" });
    this.note.addEventListener("change", () => this.flush());
    this.count = h("span", { class: "lw-note", "data-testid": "lw-review-annotated" });
    this.element = h(
      "div",
      { class: "lw-review-annotate" },
      h("span", { class: "lw-group-title" }, "Tag "),
      this.tags,
      this.custom,
      this.note,
      this.count,
    );
  }

  /** Send the note if it was edited (called on change and before moving to another row). */
  flush(): void {
    if (!this.row || this.noteRow !== this.row.index) return;
    const v = this.note.value;
    if (v !== this.noteSent) {
      this.noteSent = v;
      this.actions.annotate(this.row.index, { note: v });
    }
  }

  update(row: ReviewRow | null, tags: string[], annotated: number): void {
    if (this.row && row && row.index !== this.row.index) this.flush();
    this.row = row;
    this.element.hidden = !row;
    setText(this.count, annotated ? `${annotated} row${annotated === 1 ? "" : "s"} annotated` : "");
    if (!row) return;
    const key = JSON.stringify(tags);
    if (key !== this.tagsKey) {
      this.tagsKey = key;
      this.tags.replaceChildren(
        ...tags.map((t) => h("button", { type: "button", class: "lw-review-tag", "data-testid": "lw-review-tag", "data-tag": t, "aria-pressed": "false" }, t)),
      );
    }
    for (const b of this.tags.querySelectorAll<HTMLButtonElement>('[data-testid="lw-review-tag"]')) {
      setAttr(b, "aria-pressed", b.dataset.tag === row.tag ? "true" : "false");
    }
    // a tag set from Python (or loaded from CSV) that has no button still shows
    const other = row.tag && !tags.includes(row.tag);
    this.custom.hidden = !other;
    setText(this.custom, other ? `tag: ${row.tag}` : "");
    // never overwrite what the user is typing for this row (Python echoes what it was sent)
    const typing = document.activeElement === this.note && this.noteRow === row.index;
    if (!typing) {
      this.note.value = row.note ?? "";
      this.noteSent = this.note.value;
    }
    this.noteRow = row.index;
  }
}
