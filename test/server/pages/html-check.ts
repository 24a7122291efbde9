/** One start tag of a page: its name and attributes (values with entities decoded). */
export interface Tag {
  name: string;
  attrs: Map<string, string>;
  source: string;
}

const decode = (v: string) =>
  v
    .replace(/&#x([0-9a-f]+);?/gi, (_, h) => String.fromCodePoint(Number.parseInt(h, 16)))
    .replace(/&#(\d+);?/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');

/** The start tags of an HTML document, as a browser's tokenizer would find them outside comments. */
export function tagsOf(page: string): Tag[] {
  const tags: Tag[] = [];
  const body = page.replace(/<!--[\s\S]*?-->/g, '');
  for (const m of body.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>/g)) {
    const attrs = new Map<string, string>();
    for (const a of (m[2] ?? '').matchAll(
      /([^\s"'>/=]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g,
    )) {
      attrs.set(a[1]!.toLowerCase(), decode(a[2] ?? a[3] ?? a[4] ?? ''));
    }
    tags.push({ name: m[1]!.toLowerCase(), attrs, source: m[0] });
  }
  return tags;
}

/**
 * What the Content-Security-Policy would block or what could run: inline scripts, style elements
 * and attributes, event handler attributes, and links or sources to anything but this site and
 * http(s)/mailto URLs. An empty list means the page is clean.
 */
export function unsafeMarkup(page: string): string[] {
  const problems: string[] = [];
  for (const t of tagsOf(page)) {
    if (t.name === 'script' && !t.attrs.get('src')) problems.push(`inline script: ${t.source}`);
    if (t.name === 'style') problems.push(`style element: ${t.source}`);
    if (['iframe', 'object', 'embed', 'frame', 'base'].includes(t.name))
      problems.push(`${t.name} element: ${t.source}`);
    for (const [k, v] of t.attrs) {
      if (k === 'style') problems.push(`style attribute: ${t.source}`);
      if (k.startsWith('on')) problems.push(`event handler attribute: ${t.source}`);
      if (['href', 'src', 'action', 'formaction', 'srcset', 'xlink:href'].includes(k)) {
        const url = v.trim();
        if (!/^(\/(?!\/)|#|https?:\/\/|mailto:)/i.test(url) && url !== '')
          problems.push(`unsafe ${k}: ${t.source}`);
      }
    }
  }
  return problems;
}

/** The advisory ids linked from a part of a page (`/advisories/<id>` hrefs), in order, without repeats. */
export function linkedAdvisoryIds(fragment: string): string[] {
  const ids = tagsOf(fragment)
    .filter((t) => t.name === 'a' && t.attrs.get('href')?.startsWith('/advisories/'))
    .map((t) => decodeURIComponent(t.attrs.get('href')!.slice('/advisories/'.length)));
  return [...new Set(ids)];
}

/** The text between `<… id="id" …>` and the end of that element's section (the next `</section>` or `</div>`). */
export function elementById(page: string, id: string, end = '</div>'): string {
  const start = page.indexOf(`id="${id}"`);
  if (start < 0) return '';
  const stop = page.indexOf(end, start);
  return page.slice(start, stop < 0 ? undefined : stop);
}
