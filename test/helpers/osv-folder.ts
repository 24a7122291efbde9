import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type ZipEntry, zipStream } from '../../src/server/routes/zip-stream.js';
import { ROOT } from './shared.js';

/** The real published OSV records for npm (github/advisory-database, ossf/malicious-packages): see its SOURCES.md. */
export const OSV_SAMPLE = join(ROOT, 'test', 'fixtures', 'osv-sample');

/** One OSV record as published: its id, `modified` and exact text. */
export interface SampleRecord {
  id: string;
  modified: string;
  text: string;
}

/** The sample's records, by id. */
export function sampleRecords(): SampleRecord[] {
  return readdirSync(OSV_SAMPLE)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const text = readFileSync(join(OSV_SAMPLE, f), 'utf8');
      const r = JSON.parse(text) as { id: string; modified: string };
      return { id: r.id, modified: r.modified, text };
    });
}

/** A zip archive of the entries, as nswg's exports write it. */
export async function zipOf(entries: ZipEntry[]): Promise<Buffer> {
  const chunks: Buffer[] = [];
  async function* all() {
    yield* entries;
  }
  for await (const c of zipStream(all())) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** The files of an OSV bucket folder as osv.dev lays it out: all.zip, modified_id.csv (newest first), <ID>.json. */
export async function osvBucket(records: readonly SampleRecord[]): Promise<Map<string, Uint8Array>> {
  const files = new Map<string, Uint8Array>();
  for (const r of records) files.set(`${r.id}.json`, Buffer.from(r.text));
  files.set(
    'all.zip',
    await zipOf(records.map((r) => ({ name: `${r.id}.json`, data: Buffer.from(r.text) }))),
  );
  const newestFirst = [...records].sort((a, b) => Date.parse(b.modified) - Date.parse(a.modified));
  files.set('modified_id.csv', Buffer.from(newestFirst.map((r) => `${r.modified},${r.id}\n`).join('')));
  return files;
}

/** A local HTTP server (127.0.0.1) serving `files` under `/<prefix>/`, recording each request's path. */
export interface FolderServer {
  /** The folder's URL, ending in `/`. */
  url: string;
  files: Map<string, Uint8Array>;
  requests: string[];
  /** Files that answer 500, as a server failing half-way through a sync does. */
  failing: Set<string>;
  close(): Promise<void>;
}

/** Serves the files of a folder; a file not in the map answers 404. */
export async function serveFolder(files: Map<string, Uint8Array>, prefix = 'npm'): Promise<FolderServer> {
  const requests: string[] = [];
  const failing = new Set<string>();
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const name = path.startsWith(`/${prefix}/`) ? path.slice(prefix.length + 2) : '';
    if (failing.has(name)) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('internal error');
      return;
    }
    const data = files.get(name);
    if (!data) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': data.length }).end(data);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${prefix}/`,
    files,
    requests,
    failing,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
