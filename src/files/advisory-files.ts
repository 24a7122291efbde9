import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type AdvisoryFile, type ReadResult, readAdvisoryJson } from '../advisories/read.js';
import { NswgError } from '../errors.js';
import { validateOsvSchema } from './osv-schema-file.js';
import { zipFiles } from './zip-read.js';

export interface ReadOptions {
  /** `modified` for core advisories, whose files carry no date; default: the file's modification time. */
  coreModified?: string;
}

/** The JSON files named: files as given, directories walked (sorted; index.json skipped). */
export function listJsonFiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(p);
    } catch {
      throw new NswgError('E_FILE_READ', 'no such file or directory', { file: p });
    }
    if (st.isDirectory()) {
      const walk = (dir: string) => {
        for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
          a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
        )) {
          const full = join(dir, e.name);
          if (e.isDirectory()) {
            if (e.name !== 'node_modules' && !e.name.startsWith('.')) walk(full);
          } else if (e.name.endsWith('.json') && e.name !== 'index.json' && e.name !== 'package.json') {
            out.push(full);
          }
        }
      };
      walk(p);
    } else {
      out.push(p);
    }
  }
  return out;
}

/** Each file's text, read when the reader comes to it; a `.zip` file gives its JSON files. */
export function* advisoryTexts(files: readonly string[], opts: ReadOptions = {}): Generator<AdvisoryFile> {
  for (const file of files) {
    if (file.endsWith('.zip')) {
      let zip: Uint8Array;
      try {
        zip = readFileSync(file);
      } catch (e) {
        yield { file, unreadable: (e as Error).message };
        continue;
      }
      yield* zipJsonFiles(zip, file);
      continue;
    }
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      yield { file, unreadable: (e as Error).message };
      continue;
    }
    const modified =
      opts.coreModified ?? new Date(statSync(file).mtimeMs).toISOString().replace('.000Z', 'Z');
    yield { file, text, modified };
  }
}

/**
 * Reads advisories from files and directories: the Working Group's JSON (npm and core) and OSV
 * records, detected per record, with every problem (file, field, reason); see readAdvisoryJson.
 */
export function readAdvisoryFiles(paths: readonly string[], opts: ReadOptions = {}): ReadResult {
  return readAdvisoryJson(advisoryTexts(listJsonFiles(paths), opts), validateOsvSchema);
}

/**
 * The JSON files of a zip archive (those `keep` takes), each inflated when the reader comes to it,
 * named `<zip>/<entry>`. Core advisories in it get the time of reading as `modified`: zip entries'
 * own times are too coarse (and nswg's exports set none).
 */
export function* zipJsonFiles(
  zip: Uint8Array,
  source: string,
  keep: (name: string) => boolean = (n) => n.endsWith('.json'),
): Generator<AdvisoryFile> {
  const modified = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  for (const f of zipFiles(zip, source)) {
    if (!keep(f.name)) continue;
    yield { file: `${source}/${f.name}`, text: Buffer.from(f.data()).toString('utf8'), modified };
  }
}
