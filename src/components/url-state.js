// Every filter lives in the page's query string (?wave=2025-Q3&segment=Enterprise), so a
// reload, a bookmark or a link pasted into a quarterly review reopens the same view.

/** The value of `name` in a query string, if it is one of `allowed` (when given); else undefined. */
export function readParam(search, name, allowed) {
  const value = new URLSearchParams(search).get(name);
  if (value === null) return undefined;
  return allowed === undefined || allowed.includes(value) ? value : undefined;
}

/** `href` with each of `params` set (null or undefined: removed); the hash is kept. */
export function withParams(href, params) {
  const url = new URL(href);
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined) url.searchParams.delete(name);
    else url.searchParams.set(name, String(value));
  }
  return url.href;
}

/**
 * An input whose value is kept in the URL as ?name=value. `make(initial)` builds the input
 * (Inputs.select, Inputs.range, ...) starting from the value in the URL, or from its own
 * default when the URL has none or one that is no longer valid (initial is then undefined).
 * `values` lists the valid values (matched by their text); without it, `parse` reads the text.
 * The URL is rewritten at once with the value shown, so the address bar is always a link to
 * this exact view, and again on every change (replaceState: the back button leaves the page).
 */
export function urlInput(name, make, { values, parse = (text) => text } = {}) {
  const texts = values?.map(String);
  const text = readParam(location.search, name, texts);
  const initial = text === undefined ? undefined : values ? values[texts.indexOf(text)] : parse(text);
  const input = make(initial);
  const write = () => history.replaceState(history.state, "", withParams(location.href, { [name]: input.value }));
  write();
  input.addEventListener("input", write);
  return input;
}
