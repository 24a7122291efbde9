// Property-based tests of the advisory formats (the Working Group's JSON, OSV), CVSS vectors and
// the Markdown of reports and advisories: random and mutated input is read or refused with the
// file and field named, never a crash; Markdown never renders a script.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { Parser } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import {
  cvssBaseScore,
  cvssJsonOf,
  cvssVersion,
  normalizeCvssVector,
  readAdvisoryJson,
} from '../../src/advisories/index.js';
import { checkCvss, validateReport } from '../../src/disclosure/report.js';
import { isNswgError } from '../../src/errors.js';
import { validateOsvSchema } from '../../src/files/osv-schema-file.js';
import { renderMarkdown } from '../../src/server/pages/markdown.js';
import { ROOT, wgCore, wgNpm } from '../helpers/shared.js';
import { submission } from '../server/disclosure/helpers.js';
import { badValue, fuzzOptions, mutate, mutation } from './mutate.js';

const OSV = join(ROOT, 'test', 'fixtures', 'osv-sample');
const npmRecords: unknown[] = wgNpm();
const coreRecords: unknown[] = wgCore();
const osvRecords = readdirSync(OSV)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(OSV, f), 'utf8')) as unknown);

/** Reads one file of advisories; every problem names the file and a field, nothing throws. */
function readsOrReports(text: string, file = '/data/advisory.json') {
  const result = readAdvisoryJson([{ file, text, modified: '2026-01-01T00:00:00Z' }], validateOsvSchema);
  for (const p of result.problems) {
    expect(p.file).toBe(file);
    expect(typeof p.field).toBe('string');
    expect(p.message.length).toBeGreaterThan(0);
  }
  for (const a of result.advisories) {
    expect(typeof a.advisory.id).toBe('string');
    expect(Array.isArray(a.advisory.affected)).toBe(true);
  }
  return result;
}

describe('advisory files on bad input', () => {
  it('random text: read or reported, never thrown', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.jsonValue({ maxDepth: 5 }).map((v) => JSON.stringify(v)),
        ),
        (text) => void readsOrReports(text),
      ),
      fuzzOptions(300),
    );
  });

  it.each([
    ['Working Group npm', npmRecords],
    ['Working Group core', coreRecords],
    ['OSV', osvRecords],
  ] as const)('%s records with broken fields: read or reported with the field', (_l, records) => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (pick, muts, asArray) => {
          const record = mutate(records[pick % records.length], muts);
          const text = JSON.stringify(asArray ? [record] : record) ?? 'null';
          readsOrReports(text, '/data/12.json');
        },
      ),
      fuzzOptions(300),
    );
  });
});

const METRICS31 = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'R'],
  S: ['U', 'C'],
  C: ['N', 'L', 'H'],
  I: ['N', 'L', 'H'],
  A: ['N', 'L', 'H'],
};
const vector31 = fc
  .record(Object.fromEntries(Object.entries(METRICS31).map(([k, v]) => [k, fc.constantFrom(...v)])))
  .map(
    (m) =>
      `CVSS:3.1/${Object.entries(m)
        .map(([k, v]) => `${k}:${v}`)
        .join('/')}`,
  );
const REAL = [
  'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
  'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
  'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N',
  'AV:N/AC:L/Au:N/C:P/I:P/A:P',
  '3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H',
];
/** A real vector with parts dropped, repeated, swapped or replaced. */
const mutatedVector = fc
  .tuple(
    fc.constantFrom(...REAL),
    fc.array(
      fc.tuple(fc.nat(), fc.constantFrom('drop', 'dup', 'junk', 'case'), fc.string({ maxLength: 6 })),
      {
        maxLength: 4,
      },
    ),
  )
  .map(([v, ops]) => {
    const parts = v.split('/');
    for (const [at, op, junk] of ops) {
      const i = at % parts.length;
      if (op === 'drop') parts.splice(i, 1);
      else if (op === 'dup') parts.splice(i, 0, parts[i]!);
      else if (op === 'junk') parts[i] = junk;
      else parts[i] = parts[i]!.toLowerCase();
    }
    return parts.join('/');
  });

describe('CVSS vectors on bad input', () => {
  it('every complete 3.1 vector has a score from 0 to 10 and the report form takes it', () => {
    fc.assert(
      fc.property(vector31, (v) => {
        const score = cvssBaseScore(v);
        expect(score).not.toBeNull();
        expect(score!).toBeGreaterThanOrEqual(0);
        expect(score!).toBeLessThanOrEqual(10);
        expect(checkCvss(v)).toEqual({ vector: v, score });
      }),
      fuzzOptions(200),
    );
  });

  it('random and mutated vectors (2.0, 3.0, 3.1, 4.0): a score or null, a clear refusal, never a throw', () => {
    fc.assert(
      fc.property(
        fc.oneof(mutatedVector, fc.string({ maxLength: 80 }), fc.constant('x'.repeat(10_000))),
        (v) => {
          const score = cvssBaseScore(v);
          if (score !== null) expect(score >= 0 && score <= 10).toBe(true);
          const json = cvssJsonOf(v);
          if (json) expect(typeof json.baseScore).toBe('number');
          cvssVersion(normalizeCvssVector(v));
          const checked = checkCvss(v);
          if (typeof checked === 'string') expect(checked).toMatch(/CVSS 3\.1/);
          else expect(checked.score).toBe(cvssBaseScore(v.trim()));
        },
      ),
      fuzzOptions(400),
    );
  });

  it('a report with any value in any field is valid or refused with E_REPORT_INVALID naming fields', () => {
    const fields = Object.keys(submission());
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...fields, '__proto__', 'constructor', 'extra'), badValue), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.option(mutatedVector),
        (changes, vector) => {
          const input = submission(vector === null ? {} : { cvssVector: vector });
          for (const [k, v] of changes)
            Object.defineProperty(input, k, {
              value: v,
              enumerable: true,
              configurable: true,
              writable: true,
            });
          try {
            validateReport(JSON.parse(JSON.stringify(input)));
          } catch (e) {
            if (!isNswgError(e)) throw e;
            expect(e.code).toBe('E_REPORT_INVALID');
            expect(e.field ?? e.problems[0]?.field).toBeTruthy();
          }
        },
      ),
      fuzzOptions(300),
    );
  });
});

/** Markdown that tries to run code in every way Markdown and HTML allow. */
const ATTACKS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '[x](javascript:alert(1))',
  '[x](JaVaScRiPt:alert(1))',
  '[x](java\tscript:alert(1))',
  '[x](&#106;avascript:alert(1))',
  '![x](javascript:alert(1))',
  '<a href="javascript:alert(1)">x</a>',
  '[x]: javascript:alert(1)\n\n[y][x]',
  '<javascript:alert(1)>',
  '<svg onload=alert(1)>',
  '<iframe src="data:text/html,<script>alert(1)</script>">',
  '[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)',
  '[x](vbscript:msgbox(1))',
  '<details open ontoggle=alert(1)>',
  '`<script>`',
  '```html\n<script>alert(1)</script>\n```',
  '<style>*{x:expression(alert(1))}</style>',
  '[x](https://example.org "title\\" onmouseover=\\"alert(1)")',
  '<<script>script>alert(1)<</script>/script>',
  '<a href="&#x6A;avascript:alert(1)">x</a>',
];

/** Elements the sanitized Markdown may hold; anything else (script, iframe, svg, img...) could act. */
const INERT = new Set([
  'p',
  'br',
  'hr',
  'h3',
  'h4',
  'h5',
  'h6',
  'em',
  'strong',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'a',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
]);

/** What a browser would run in `html` (read by a real HTML parser): an element, a handler or a script URL. */
function runnable(html: string): string | null {
  let why: string | null = null;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (!INERT.has(name)) why ??= `the element <${name}>`;
        for (const [k, v] of Object.entries(attribs)) {
          if (k.startsWith('on')) why ??= `the handler ${k}`;
          if (k === 'href' || k === 'src') {
            // a browser drops tabs, newlines and controls from a URL before it reads the scheme
            const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(v.replace(/[\s\u0000-\u001f]/g, ''))?.[1];
            if ((scheme && !/^(https?|mailto)$/i.test(scheme)) || v.trim().startsWith('//'))
              why ??= `the link ${v}`;
          }
        }
      },
    },
    { decodeEntities: true },
  );
  parser.write(html);
  parser.end();
  return why;
}

describe('Markdown on bad input', () => {
  it('random text and every attack, mixed: rendered without anything that runs, never a throw', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.constantFrom(...ATTACKS),
            fc.string({ maxLength: 40 }),
            fc.constantFrom(
              '\n',
              '\n\n',
              '> ',
              '- ',
              '1. ',
              '# ',
              '| a | b |\n|---|---|\n',
              '    ',
              '*',
              '_',
              '[',
              ']',
              '(',
              ')',
              '<',
              '>',
              '"',
              '&',
            ),
          ),
          { maxLength: 12 },
        ),
        (pieces) => {
          const text = pieces.join('');
          const html = String(renderMarkdown(text));
          const why = runnable(html);
          expect(why, `${JSON.stringify(text)} rendered as ${html}`).toBeNull();
        },
      ),
      fuzzOptions(500),
    );
  });

  it('each attack alone renders inert', () => {
    for (const a of ATTACKS) expect(runnable(String(renderMarkdown(a))), a).toBeNull();
  });
});
