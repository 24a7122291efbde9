import type { LightMyRequestResponse } from 'fastify';
import { multipart, type PageSession, type TestServer } from './helpers.js';

/** A file to attach: its name, the type the client claims, its bytes. */
export interface Upload {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** Attaches a file over the API (multipart, field `file`) with a bearer token. */
export function apiUpload(
  s: TestServer,
  token: string,
  reportId: string,
  file: Upload,
): Promise<LightMyRequestResponse> {
  const m = multipart(file);
  return s.app.inject({
    method: 'POST',
    url: `/api/reports/${reportId}/attachments`,
    headers: { ...m.headers, authorization: `Bearer ${token}`, 'user-agent': 'api-test' },
    payload: m.payload,
  });
}

/** Attaches a file through the report page's form, as a logged-in browser sends it. */
export async function pageUpload(
  s: TestServer,
  b: PageSession,
  reportId: string,
  file: Upload,
): Promise<LightMyRequestResponse> {
  const m = multipart(file, { _csrf: await b.csrf(`/disclosure/reports/${reportId}`) });
  return s.app.inject({
    method: 'POST',
    url: `/disclosure/reports/${reportId}/attachments`,
    headers: { ...m.headers, cookie: b.cookieHeader, 'user-agent': 'page-test' },
    payload: m.payload,
  });
}

/** The message of an error page, as a browser shows it. */
export function pageMessage(res: LightMyRequestResponse): string {
  const m = /<p class="lead" id="error-message">([\s\S]*?)<\/p>/.exec(res.body);
  return (m?.[1] ?? '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#96;/g, '`')
    .replace(/&amp;/g, '&');
}
