// What a section shows when it does not follow one of the page's filters: said on the page, so
// that a reader who picked "Enterprise" does not take a whole-sample figure for Enterprise's.
import { html } from "npm:htl";

/**
 * A note for the section it sits in (the part of the page under one heading): `ignores` names
 * the page filters it does not follow, by their URL names ("segment", "wave", "group"), and
 * `text` says what it shows instead ("All respondents of 2025-Q4"). The site test checks that
 * every section under a filter either changes with it or carries this note.
 */
export function scopeNote(ignores, text) {
  return html`<p class="scope-note" data-ignores=${ignores.join(" ")}>${text}</p>`;
}
