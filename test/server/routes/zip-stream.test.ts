import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { type ZipEntry, zipStream } from '../../../src/server/routes/zip-stream.js';

/** Entries made without ever yielding to the event loop (as SQLite reads through Kysely are). */
async function* entries(n: number): AsyncGenerator<ZipEntry> {
  for (let i = 0; i < n; i++) {
    if (i % 500 === 0) await Promise.resolve();
    yield {
      name: `dir/${i}.json`,
      data: new TextEncoder().encode(JSON.stringify({ i, text: `advisory ${i} `.repeat(80) })),
    };
  }
}

describe('zipStream', () => {
  it('streams an archive much larger than its buffer to the end, every file intact', async () => {
    const chunks: Buffer[] = [];
    for await (const c of zipStream(entries(20_000))) chunks.push(c as Buffer);
    const zip = Buffer.concat(chunks);
    expect(zip.length).toBeGreaterThan(2 * 1024 * 1024);
    expect(chunks.length).toBeGreaterThan(3);
    const files = unzipSync(new Uint8Array(zip));
    expect(Object.keys(files)).toHaveLength(20_000);
    expect(JSON.parse(strFromU8(files['dir/19999.json']!)).i).toBe(19_999);
  });

  it('writes ZIP64 end records past 65,535 files, which unzip tools read', async () => {
    const chunks: Buffer[] = [];
    async function* many(): AsyncGenerator<ZipEntry> {
      for (let i = 0; i < 70_000; i++)
        yield { name: `${i}.json`, data: new TextEncoder().encode(`{"i":${i}}`) };
    }
    for await (const c of zipStream(many())) chunks.push(c as Buffer);
    const zip = Buffer.concat(chunks);
    const files = unzipSync(new Uint8Array(zip));
    expect(Object.keys(files)).toHaveLength(70_000);
    expect(strFromU8(files['69999.json']!)).toBe('{"i":69999}');
    const dir = mkdtempSync(join(tmpdir(), 'nswg-zip-'));
    try {
      writeFileSync(join(dir, 'a.zip'), zip);
      // Python's zipfile, an independent reader, checks every CRC
      const py = spawnSync(
        'python3',
        [
          '-c',
          'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(len(z.namelist()), z.testzip())',
          join(dir, 'a.zip'),
        ],
        {
          encoding: 'utf8',
        },
      );
      if (py.error && !process.env.CI) return;
      expect(py.stdout.trim()).toBe('70000 None');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000); // 65,536 files: minutes on a busy machine

  it('stops reading entries when the reader goes away', async () => {
    let made = 0;
    async function* counted(): AsyncGenerator<ZipEntry> {
      for await (const e of entries(50_000)) {
        made++;
        yield e;
      }
    }
    const s = zipStream(counted());
    for await (const _ of s) break;
    await new Promise((r) => setTimeout(r, 50));
    expect(made).toBeLessThan(50_000);
  });
});
