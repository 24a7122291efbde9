// The attack of a participant who uploads a page under an image's name: HTML (or SVG with a script)
// named .png must be refused, over the API and through the report page, while a real PNG and a
// proof of concept in JavaScript are taken (docs/disclosure-policy.md, "Attachments").
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEngines } from '../../helpers/db.js';
import {
  api,
  apiLogin,
  makeUser,
  multipart,
  PageSession,
  type Person,
  PNG,
  submission,
  type TestServer,
  testServer,
} from './helpers.js';
import { apiUpload, pageMessage, pageUpload } from './upload-helpers.js';

const engines = await testEngines();

const HTML = Buffer.from(
  '<html><body><script>fetch("/api/me").then(r=>r.text()).then(alert)</script></body></html>\n',
);
const SVG = Buffer.from(
  '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.domain)</script></svg>\n',
);
const POC_JS = Buffer.from(
  'const { merge } = require(\'attach-widget\');\nmerge({}, JSON.parse(\'{"__proto__":{"polluted":"<img src=x onerror=alert(1)>"}}\'));\nconsole.log({}.polluted);\n',
);

describe.each(engines)('attachments as the policy says (%s)', (engine) => {
  let s: TestServer;
  let reporter: Person;
  let token: string;
  let id: string;

  beforeAll(async () => {
    s = await testServer(engine, { outbox: true });
    reporter = await makeUser(s, 'types-reporter');
    token = await apiLogin(s, reporter);
    const sent = await api(s, token, 'POST', '/api/reports', submission({ packageName: 'attach-widget' }));
    expect(sent.statusCode, sent.body).toBe(201);
    id = sent.json().report.id;
  });
  afterAll(async () => s?.close());

  const stored = async () =>
    (await api(s, token, 'GET', `/api/reports/${id}`))
      .json()
      .attachments.map((a: { filename: string }) => a.filename);

  it('refuses HTML and SVG named .png over the API, saying which file and why', async () => {
    for (const [name, bytes, begins] of [
      ['screenshot.png', HTML, '<html'],
      ['diagram.png', SVG, '<?xml'],
      ['diagram.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), '<svg'],
    ] as const) {
      const res = await apiUpload(s, token, id, { name, type: 'image/png', bytes });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'E_ATTACHMENT', field: 'file' });
      expect(res.json().message).toContain(`"${name}" is refused`);
      expect(res.json().message).toContain(`it begins with "${begins}"`);
    }
    // a page by its name, and a name that claims an image for text, are refused too
    const page = await apiUpload(s, token, id, { name: 'poc.html', type: 'text/plain', bytes: POC_JS });
    expect(page.statusCode, page.body).toBe(400);
    expect(page.json().message).toContain('a browser opens .html files as a page');
    const lie = await apiUpload(s, token, id, { name: 'shot.png', type: 'image/png', bytes: POC_JS });
    expect(lie.statusCode, lie.body).toBe(400);
    expect(lie.json().message).toBe(
      '"shot.png" is refused: its name says a PNG image but its bytes are plain text',
    );
    expect(await stored()).toEqual([]);
  });

  it('answers a malformed multipart body (no closing boundary, bare LF line ends) with 400, on the API and the page', async () => {
    const m = multipart({ name: 'poc.png', type: 'image/png', bytes: PNG });
    const unclosed = m.payload.subarray(0, m.payload.lastIndexOf('--'));
    const bareLf = Buffer.from(m.payload.toString('latin1').replace(/\r\n/g, '\n'), 'latin1');
    for (const payload of [unclosed, bareLf]) {
      const res = await s.app.inject({
        method: 'POST',
        url: `/api/reports/${id}/attachments`,
        headers: { authorization: `Bearer ${token}`, ...m.headers },
        payload,
      });
      expect(res.statusCode, res.body).toBe(400);
      expect(res.json()).toMatchObject({ code: 'E_ATTACHMENT', field: 'file' });
      expect(res.json().message).toMatch(/^the multipart\/form-data body is malformed: /);
    }
    const b = new PageSession(s);
    await b.login(reporter);
    const form = multipart(
      { name: 'poc.png', type: 'image/png', bytes: PNG },
      { _csrf: await b.csrf(`/disclosure/reports/${id}`) },
    );
    const res = await s.app.inject({
      method: 'POST',
      url: `/disclosure/reports/${id}/attachments`,
      headers: { ...form.headers, cookie: b.cookieHeader },
      payload: Buffer.from(form.payload.toString('latin1').replace(/\r\n/g, '\n'), 'latin1'),
    });
    expect(res.statusCode).toBe(400);
    expect(pageMessage(res)).toMatch(/multipart\/form-data body is malformed/);
    expect(await stored()).toEqual([]);
  });

  it('refuses them through the report page too, with the message on the page', async () => {
    const b = new PageSession(s);
    await b.login(reporter);
    for (const [name, bytes] of [
      ['screenshot.png', HTML],
      ['diagram.png', SVG],
    ] as const) {
      const res = await pageUpload(s, b, id, { name, type: 'image/png', bytes });
      expect(res.statusCode, res.body.slice(0, 300)).toBe(400);
      expect(pageMessage(res)).toMatch(
        new RegExp(`^"${name.replace('.', '\\.')}" is refused: it is markup a browser would render`),
      );
    }
    expect(await stored()).toEqual([]);
  });

  it('takes a real PNG and a JavaScript proof of concept (as .js or .txt), and serves them as inert downloads', async () => {
    const png = await apiUpload(s, token, id, { name: 'screenshot.png', type: 'image/png', bytes: PNG });
    expect(png.statusCode, png.body).toBe(201);
    expect(png.json().contentType).toBe('image/png');
    const js = await apiUpload(s, token, id, { name: 'poc.js', type: 'text/javascript', bytes: POC_JS });
    expect(js.statusCode, js.body).toBe(201);
    expect(js.json().contentType).toBe('text/plain; charset=utf-8');
    const b = new PageSession(s);
    await b.login(reporter);
    const txt = await pageUpload(s, b, id, { name: 'poc.txt', type: 'text/plain', bytes: POC_JS });
    expect(txt.statusCode, txt.body.slice(0, 300)).toBe(303);
    const pagePng = await pageUpload(s, b, id, { name: 'again.png', type: 'image/png', bytes: PNG });
    expect(pagePng.statusCode, pagePng.body.slice(0, 300)).toBe(303);
    expect(await stored()).toEqual(['screenshot.png', 'poc.js', 'poc.txt', 'again.png']);

    const dl = await api(s, token, 'GET', `/api/attachments/${js.json().id}`);
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(dl.headers['content-disposition']).toMatch(/^attachment; filename="poc.js"/);
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers['content-security-policy']).toContain('sandbox');
    expect(dl.rawPayload.equals(POC_JS)).toBe(true);
  });
});
