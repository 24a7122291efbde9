// Uploads through the server with random multipart bodies: part names, headers, file names, sizes
// and broken framing, on the API and on the report page's form. Never a 5xx; a refusal is a 4xx
// (a problem body with a code on the API) and stores nothing.
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_ATTACHMENT_BYTES } from '../../src/disclosure/index.js';
import {
  apiLogin,
  makeUser,
  PageSession,
  type Person,
  PNG,
  submission,
  type TestServer,
  testServer,
} from '../server/disclosure/helpers.js';
import { fuzzOptions } from './mutate.js';

interface Part {
  name: string;
  filename: string | null;
  type: string | null;
  extraHeader: string | null;
  size: number;
  png: boolean;
}

const part: fc.Arbitrary<Part> = fc.record({
  name: fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('file', '_csrf') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('__proto__', 'constructor', '', 'file[]', 'fi"le', 'x'.repeat(300)),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  ),
  filename: fc.option(
    fc.oneof(
      fc.constantFrom(
        'poc.png',
        'poc.txt',
        '../../etc/passwd',
        '..\\..\\win.ini',
        '',
        '.',
        'a\u0000b.png',
        'é😀\u202e.png',
        'x'.repeat(2000),
        'a"b.png',
        'proof.exe',
        'index.html',
      ),
      fc.string({ maxLength: 30 }),
    ),
  ),
  type: fc.option(
    fc.oneof(
      fc.constantFrom(
        'image/png',
        'text/plain',
        'text/html',
        'application/octet-stream',
        '',
        'x/y; a=b',
        'image/svg+xml',
      ),
      fc.string({ maxLength: 20 }),
    ),
  ),
  extraHeader: fc.option(
    fc.constantFrom(
      'Content-Transfer-Encoding: base64',
      'X-Junk: 1',
      'Content-Length: 999999',
      'no colon here',
      'Content-Disposition: inline',
    ),
  ),
  size: fc.oneof(
    { weight: 5, arbitrary: fc.nat(2000) },
    { weight: 1, arbitrary: fc.constant(MAX_ATTACHMENT_BYTES + 1) },
  ),
  png: fc.boolean(),
});

/** Framing faults: the closing boundary lost, the header's boundary wrong or missing, a bare CR. */
const framing = fc.constantFrom(
  'ok',
  'ok',
  'ok',
  'no-close',
  'wrong-boundary',
  'no-boundary',
  'not-multipart',
  'lf-only',
);

function body(parts: Part[], csrf: string | null, frame: string): { payload: Buffer; type: string } {
  const b = `----fuzz${parts.length}x${frame.length}`;
  const eol = frame === 'lf-only' ? '\n' : '\r\n';
  const chunks: Buffer[] = [];
  const all: Part[] = csrf ? parts.map((p) => (p.name === '_csrf' ? p : p)) : parts;
  if (csrf)
    chunks.push(
      Buffer.from(`--${b}${eol}Content-Disposition: form-data; name="_csrf"${eol}${eol}${csrf}${eol}`),
    );
  for (const p of all) {
    if (csrf && p.name === '_csrf') continue;
    const disp = `Content-Disposition: form-data; name="${p.name}"${p.filename === null ? '' : `; filename="${p.filename}"`}`;
    const headers = [
      disp,
      ...(p.type === null ? [] : [`Content-Type: ${p.type}`]),
      ...(p.extraHeader ? [p.extraHeader] : []),
    ];
    const bytes = p.png ? Buffer.concat([PNG, Buffer.alloc(p.size, 1)]) : Buffer.alloc(p.size, 'a');
    chunks.push(Buffer.from(`--${b}${eol}${headers.join(eol)}${eol}${eol}`), bytes, Buffer.from(eol));
  }
  if (frame !== 'no-close') chunks.push(Buffer.from(`--${b}--${eol}`));
  const type =
    frame === 'wrong-boundary'
      ? 'multipart/form-data; boundary=other'
      : frame === 'no-boundary'
        ? 'multipart/form-data'
        : frame === 'not-multipart'
          ? 'application/octet-stream'
          : `multipart/form-data; boundary=${b}`;
  return { payload: Buffer.concat(chunks), type };
}

describe('uploads with random multipart bodies', () => {
  let s: TestServer;
  let reporter: Person;
  let token: string;
  let page: PageSession;
  let reportId: string;

  beforeAll(async () => {
    s = await testServer('sqlite', { outbox: true, disclosure: { uploadQuotas: null } });
    reporter = await makeUser(s, 'reporter');
    token = await apiLogin(s, reporter);
    const made = await s.app.inject({
      method: 'POST',
      url: '/api/reports',
      headers: { authorization: `Bearer ${token}` },
      payload: submission(),
    });
    reportId = made.json().report.id;
    page = new PageSession(s);
    await page.login(reporter);
  });
  afterAll(async () => {
    await s?.close();
  });

  const attachments = async () =>
    Number(
      (await sql<{ n: number | string }>`select count(*) as n from attachments`.execute(s.store.db)).rows[0]!
        .n,
    );

  async function check(res: LightMyRequestResponse, before: number, api: boolean, what: string) {
    expect(res.statusCode, `${what}: ${res.body.slice(0, 300)}`).toBeLessThan(500);
    const after = await attachments();
    if (res.statusCode >= 400) {
      expect(after, `${what}: refused, yet stored`).toBe(before);
      if (api) {
        const problem = res.json();
        expect(problem.statusCode).toBe(res.statusCode);
        // ours (E_…) or the multipart parser's own stable code for its limits (FST_FILES_LIMIT…)
        expect(problem.code, what).toMatch(/^(E|FST)_[A-Z_]+$/);
      }
    } else expect(after, what).toBeLessThanOrEqual(before + 1);
  }

  it('on the API: stored, or refused with a problem and nothing stored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(part, { maxLength: 4 }), framing, async (parts, frame) => {
        const before = await attachments();
        const { payload, type } = body(parts, null, frame);
        const res = await s.app.inject({
          method: 'POST',
          url: `/api/reports/${reportId}/attachments`,
          headers: { authorization: `Bearer ${token}`, 'content-type': type },
          payload,
        });
        await check(
          res,
          before,
          true,
          `${frame} ${JSON.stringify(parts.map((p) => ({ ...p, filename: p.filename?.slice(0, 40) })))}`,
        );
      }),
      fuzzOptions(60),
    );
  });

  it("on the report page's form: stored, or refused and nothing stored", async () => {
    const csrf = await page.csrf(`/disclosure/reports/${reportId}`);
    await fc.assert(
      fc.asyncProperty(
        fc.array(part, { maxLength: 4 }),
        framing,
        fc.boolean(),
        async (parts, frame, withCsrf) => {
          const before = await attachments();
          const { payload, type } = body(parts, withCsrf ? csrf : null, frame);
          const res = await s.app.inject({
            method: 'POST',
            url: `/disclosure/reports/${reportId}/attachments`,
            headers: { cookie: page.cookieHeader, 'content-type': type },
            payload,
          });
          await check(res, before, false, `${frame} csrf=${withCsrf}`);
        },
      ),
      fuzzOptions(40),
    );
  });
});
