/**
 * HTML built as strings, escaped by default: every value interpolated into `html\`…\`` is escaped
 * unless it is already SafeHtml (the result of another `html` template or of `raw()`).
 */

/** A piece of HTML that is safe to put in a page as it is. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** What a template may interpolate: text (escaped), SafeHtml (as is), lists of these, or nothing. */
export type Html = SafeHtml | string | number | boolean | null | undefined | readonly Html[];

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

/** Escapes text for HTML content and double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

function append(out: string[], v: Html): void {
  if (v === null || v === undefined || v === false || v === true) return;
  if (v instanceof SafeHtml) out.push(v.value);
  else if (Array.isArray(v)) for (const x of v as readonly Html[]) append(out, x);
  else out.push(escapeHtml(String(v)));
}

/** The tagged template: `html\`<p>${text}</p>\`` escapes `text`. */
export function html(strings: TemplateStringsArray, ...values: Html[]): SafeHtml {
  const out: string[] = [strings[0]!];
  for (let i = 0; i < values.length; i++) {
    append(out, values[i]);
    out.push(strings[i + 1]!);
  }
  return new SafeHtml(out.join(''));
}

/** Marks HTML that is already safe (sanitized Markdown, a trusted constant): use sparingly. */
export function raw(trusted: string): SafeHtml {
  return new SafeHtml(trusted);
}

/** A URL that may go in an href: http(s) and mailto only (no javascript:, data:, …); else null. */
export function safeUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  const text = url.trim();
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return null;
  }
  return parsed.protocol === 'http:' || parsed.protocol === 'https:' || parsed.protocol === 'mailto:'
    ? parsed.href
    : null;
}

/** A site path with a query string, e.g. `href('/search', {q: 'x'})`; empty values are left out. */
export function href(path: string, query: Record<string, string | number | null | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== null && v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The page of an advisory. */
export const advisoryPath = (id: string): string => `/advisories/${encodeURIComponent(id)}`;

/** The path of a CVE id's record on this server (GET /cve/{id}.json). */
export const cveRecordPath = (cveId: string): string => `/cve/${encodeURIComponent(cveId)}.json`;

/** The page of an npm package (`/packages/@scope/name` for scoped names). */
export function packagePath(name: string): string {
  const m = /^@([^/]+)\/(.+)$/.exec(name);
  if (m) return `/packages/@${encodeURIComponent(m[1]!)}/${encodeURIComponent(m[2]!)}`;
  return `/packages/${encodeURIComponent(name)}`;
}
