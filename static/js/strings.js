// The page's interface strings, rendered by the server into #ui-strings
// (every user-facing string lives in a template or a form definition).
let cached = null;

export function strings() {
  if (!cached) {
    const element = typeof document !== "undefined" ? document.getElementById("ui-strings") : null;
    cached = element ? JSON.parse(element.textContent) : {};
  }
  return cached;
}

// "Question {n} of {total}" with {n} and {total} filled in.
export function fill(template, values) {
  return String(template || "").replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
}
