// security.txt (RFC 9116): the file a site serves at /.well-known/security.txt to say where to
// report vulnerabilities. The server builds its own from its configuration; `nswg policy check URL`
// and the server's tests check a file with the same rules.

/** How far ahead the server's file expires: RFC 9116 asks for less than a year, so that stale files die. */
export const SECURITY_TXT_DAYS = 180;
const DAY_MS = 86_400_000;

/** What the server's file is made of. */
export interface SecurityTxtInput {
  /** The URL people reach the server at (no trailing slash). */
  publicUrl: string;
  /** Further contacts from the configuration (mailto:, https: or tel: URIs), before the report form. */
  contacts: readonly string[];
  now: Date;
}

/** The server's own security.txt: its contacts, the report form, the policy and the hall of fame. */
export function securityTxt(input: SecurityTxtInput): string {
  const base = input.publicUrl.replace(/\/+$/, '');
  const expires = new Date(input.now.getTime() + SECURITY_TXT_DAYS * DAY_MS);
  expires.setUTCMilliseconds(0);
  const lines = [
    "# The Node.js Security Working Group's responsible disclosure program:",
    '# vulnerabilities in npm packages and in Node.js are reported here, privately.',
    ...[...input.contacts, `${base}/disclosure/reports/new`].map((c) => `Contact: ${c}`),
    `Expires: ${expires.toISOString().replace('.000Z', 'Z')}`,
    `Policy: ${base}/policy`,
    `Acknowledgments: ${base}/disclosure/hall-of-fame`,
    'Preferred-Languages: en',
    `Canonical: ${base}/.well-known/security.txt`,
  ];
  return `${lines.join('\n')}\n`;
}

/** The fields RFC 9116 defines (and CSAF, registered since), by their lower-case names. */
const KNOWN = new Set([
  'acknowledgments',
  'canonical',
  'contact',
  'csaf',
  'encryption',
  'expires',
  'hiring',
  'policy',
  'preferred-languages',
]);
/** Fields whose value is a URI. */
const URI_FIELDS = new Set([
  'acknowledgments',
  'canonical',
  'contact',
  'csaf',
  'encryption',
  'hiring',
  'policy',
]);
/** RFC 3339's date-time, the format of Expires. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
/** A language tag (RFC 5646), as loosely as a list of them needs. */
const LANGUAGE = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

/** One field of the file. */
export interface SecurityTxtField {
  name: string;
  value: string;
  line: number;
}

/** One problem, with the line and field it is about when it is about one. */
export interface SecurityTxtProblem {
  line?: number;
  field?: string;
  message: string;
}

/** What a check of a security.txt found. */
export interface SecurityTxtCheck {
  fields: SecurityTxtField[];
  problems: SecurityTxtProblem[];
  /** Fields RFC 9116 does not define: ignored, as it says, and listed here. */
  unknown: string[];
  expires: Date | null;
  /** True when the file is a PGP cleartext signed message (the signature itself is not verified). */
  signed: boolean;
}

/** Where the file was found and how it was served, when it was fetched. */
export interface SecurityTxtContext {
  now: Date;
  /** The URL the file was read from: Canonical must name it, and it must be https. */
  url?: string;
  /** The Content-Type it was served with. */
  contentType?: string | null;
}

/** The signed part of a PGP cleartext message (RFC 4880 §7): dash-escaping undone; else the text. */
function unsigned(lines: string[]): { lines: string[]; offset: number } | null {
  if (lines[0]?.trim() !== '-----BEGIN PGP SIGNED MESSAGE-----') return null;
  let start = 1;
  while (start < lines.length && lines[start]!.trim() !== '') start++;
  const end = lines.findIndex((l) => l.trim() === '-----BEGIN PGP SIGNATURE-----');
  const body = lines.slice(start + 1, end < 0 ? lines.length : end).map((l) => l.replace(/^- /, ''));
  return { lines: body, offset: start + 1 };
}

/** Checks a URI field's value: a URI, and https when it is one of the web. */
function uriProblem(value: string): string | null {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return `${JSON.stringify(value)} is not a URI`;
  }
  if (u.protocol === 'http:') return 'a web URI must begin with https:// (RFC 9116 §2.5)';
  return null;
}

/** Checks a security.txt's text against RFC 9116; every problem is named, none is thrown. */
export function checkSecurityTxt(text: string, ctx: SecurityTxtContext): SecurityTxtCheck {
  const out: SecurityTxtCheck = { fields: [], problems: [], unknown: [], expires: null, signed: false };
  const problem = (message: string, line?: number, field?: string) => {
    const p: SecurityTxtProblem = { message };
    if (line !== undefined) p.line = line;
    if (field !== undefined) p.field = field;
    out.problems.push(p);
  };
  if (ctx.url && !/^https:/i.test(ctx.url)) problem('the file must be served over HTTPS (RFC 9116 §3)');
  if (ctx.contentType !== undefined) {
    const type = (ctx.contentType ?? '').toLowerCase().replace(/\s+/g, '');
    if (!type.startsWith('text/plain') || !/;charset="?utf-8"?/.test(type))
      problem(
        `served as ${JSON.stringify(ctx.contentType ?? '')}: it must be "text/plain; charset=utf-8" (RFC 9116 §3)`,
      );
  }
  let lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let offset = 0;
  const body = unsigned(lines);
  if (body) {
    out.signed = true;
    ({ lines, offset } = body);
  }
  for (const [i, raw] of lines.entries()) {
    const n = i + 1 + offset;
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const m = /^([A-Za-z0-9-]+):[ \t]*(.*)$/.exec(line);
    if (!m) {
      problem('not "Field: value", a comment (#) or an empty line', n);
      continue;
    }
    const name = m[1]!.toLowerCase();
    const value = m[2]!.trim();
    if (!KNOWN.has(name)) {
      out.unknown.push(m[1]!);
      continue;
    }
    out.fields.push({ name, value, line: n });
    const p = !value ? 'has no value' : URI_FIELDS.has(name) ? uriProblem(value) : null;
    if (p) problem(p, n, m[1]);
  }
  const named = (name: string) => out.fields.filter((f) => f.name === name);
  const contacts = named('contact');
  if (!contacts.length)
    problem('no Contact: at least one is required (RFC 9116 §2.5.3)', undefined, 'Contact');
  for (const c of contacts)
    if (c.value && !uriProblem(c.value) && !/^(mailto|tel|https):/i.test(c.value))
      problem('must be a mailto:, tel: or https:// URI', c.line, 'Contact');
  const expires = named('expires');
  if (expires.length !== 1)
    problem(
      expires.length
        ? `Expires appears ${expires.length} times: once only`
        : 'no Expires: it is required (RFC 9116 §2.5.5)',
      expires[1]?.line,
      'Expires',
    );
  const e = expires[0];
  if (e) {
    const when = DATE_TIME.test(e.value) ? new Date(e.value) : null;
    if (!when || Number.isNaN(when.getTime()))
      problem('must be an RFC 3339 date and time, e.g. 2027-01-31T00:00:00Z', e.line, 'Expires');
    else {
      out.expires = when;
      // a calendar year from now: RFC 9116 recommends less
      const yearAhead = new Date(ctx.now);
      yearAhead.setUTCFullYear(yearAhead.getUTCFullYear() + 1);
      if (when <= ctx.now)
        problem(`expired on ${e.value}: the file must not be used any more`, e.line, 'Expires');
      else if (when >= yearAhead)
        problem('is a year or more ahead: RFC 9116 recommends less than a year', e.line, 'Expires');
    }
  }
  const languages = named('preferred-languages');
  if (languages.length > 1) problem('appears more than once', languages[1]!.line, 'Preferred-Languages');
  for (const l of languages)
    for (const tag of l.value.split(',').map((s) => s.trim()))
      if (!LANGUAGE.test(tag))
        problem(`${JSON.stringify(tag)} is not a language tag`, l.line, 'Preferred-Languages');
  const canonical = named('canonical');
  if (ctx.url && canonical.length && !canonical.some((c) => c.value === ctx.url))
    problem(`no Canonical names ${ctx.url}, where the file was found`, canonical[0]!.line, 'Canonical');
  return out;
}

/** Why `uri` cannot be a security.txt Contact (mailto:, tel: or https://); null when it can. */
export function securityContactProblem(uri: string): string | null {
  const p = uriProblem(uri);
  if (p) return p;
  return /^(mailto|tel|https):/i.test(uri)
    ? null
    : `${JSON.stringify(uri)}: use a mailto:, tel: or https:// URI`;
}
