import {
  type Advisory,
  type AdvisoryFile,
  eachAdvisoryJson,
  type FileProblem,
  type ModifiedEntry,
  parseModifiedCsv,
  type ReadResult,
} from '../advisories/index.js';
import { NswgError } from '../errors.js';
import {
  localOsvFolder,
  type OsvFolder,
  readOsvArchive,
  validateOsvSchema,
  zipJsonFiles,
} from '../files/index.js';
import { openAdvisoryReads } from '../store/advisories/reads.js';
import type { ImportSummary, Store } from '../store/index.js';
import { inPool, RemoteServer } from './remote.js';

/** How a sync's source is laid out. */
export type SyncLayout = 'osv-folder' | 'nswg-server' | 'ghsa' | 'files';

export interface SyncOptions {
  /** Record files fetched at a time. */
  concurrency?: number;
  /** After each record fetched, with the number fetched and to fetch. */
  onProgress?: (done: number, total: number) => void;
  /**
   * 'refuse': a folder never synced before is an E_USAGE rather than read whole. A server's heap is
   * too small for osv.dev's all.zip; `nswg db sync` takes it first, the server then what changed.
   */
  firstSync?: 'all' | 'refuse';
}

/** What a sync read and did. */
export interface SyncResult {
  source: string;
  layout: SyncLayout;
  /** Records read from the source (a whole archive on a first sync, then only what changed). */
  read: number;
  /** Records of other ecosystems only, left out. */
  otherEcosystems: number;
  /** Bad records, left out: each with its file (or URL) and field. */
  problems: FileProblem[];
  imported: ImportSummary;
}

/** How long all.zip may take to arrive: osv.dev's npm archive is hundreds of MiB. */
const ARCHIVE_TIMEOUT_MS = 30 * 60_000;
/** The `meta` key of a folder's position: the newest `modified` of its modified_id.csv read so far. */
const positionKey = (where: string) => `sync.position ${where}`;

/**
 * Brings the database up to date with a source that publishes OSV: an OSV bucket folder (osv.dev's
 * `…/npm/`, or its local copy), another nswg server (its `/v1/export/<kind>/` folders), a clone of
 * the GitHub advisory database or its zip, or any folder or zip of OSV files. From a folder, the
 * first sync reads all.zip (or every file modified_id.csv lists) and later ones only what that csv
 * says changed since. Records of other ecosystems are counted and left out; bad records are left
 * out and reported. Everything is written in one transaction with the folders' new positions, so a
 * failed or interrupted sync changes nothing.
 */
export async function syncAdvisories(
  store: Store,
  from: string,
  opts: SyncOptions = {},
): Promise<SyncResult> {
  const result: SyncResult = {
    source: from,
    layout: 'files',
    read: 0,
    otherEcosystems: 0,
    problems: [],
    imported: { added: 0, updated: 0, unchanged: 0, older: 0 },
  };
  // every file is downloaded before the transaction starts; the records are read while they are stored
  const parts: { files: Iterable<AdvisoryFile>; key?: string; newest: string | null }[] = [];
  const source = await resolve(from);
  result.layout = source.layout;
  if ('archive' in source) {
    parts.push({ files: source.archive, newest: null });
  } else {
    const local = await localModified(store);
    for (const folder of source.folders) {
      const key = positionKey(folder.where);
      const position = await store.meta.get(key);
      const got = await readFolder(folder, position, local, opts);
      result.problems.push(...got.missing);
      parts.push({ files: got.files, key, newest: later(position, got.newest) });
    }
  }
  const reading: ReadResult = { advisories: [], problems: [], files: 0, skipped: 0 };
  function* advisories(): Generator<Advisory> {
    for (const part of parts) {
      for (const r of eachAdvisoryJson(part.files, validateOsvSchema, { otherEcosystems: 'skip' }, reading)) {
        part.newest = later(part.newest, r.advisory.modified);
        yield r.advisory;
      }
    }
  }
  const meta = () => {
    const out: Record<string, string> = {};
    for (const p of parts) if (p.key && p.newest) out[p.key] = p.newest;
    out.last_sync = JSON.stringify({ source: from, at: new Date().toISOString(), read: reading.files });
    return out;
  };
  result.imported = await store.advisories.importEach(advisories(), { meta });
  result.read = reading.files;
  result.otherEcosystems = reading.skipped;
  result.problems.push(...reading.problems.filter((p) => p.level === 'error'));
  return result;
}

/** The later of two times (either may be null). */
function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

type Source =
  | { layout: SyncLayout; folders: OsvFolder[] }
  | { layout: SyncLayout; archive: Iterable<AdvisoryFile> };

/** What `from` is: a URL of an OSV folder or an nswg server, a local bucket copy, or a local archive. */
async function resolve(from: string): Promise<Source> {
  if (/^https?:\/\//i.test(from)) {
    const remote = new RemoteServer(from, 'URL');
    const csv = await remote.bytesOrNull('modified_id.csv');
    if (csv) return { layout: 'osv-folder', folders: [httpFolder(remote, csv)] };
    // an nswg server publishes one OSV folder per kind
    return {
      layout: 'nswg-server',
      folders: ['npm', 'core'].map((kind) =>
        httpFolder(new RemoteServer(remote.url(`v1/export/${kind}/`).href, 'URL')),
      ),
    };
  }
  const folder = localOsvFolder(from);
  if (folder) return { layout: 'osv-folder', folders: [folder] };
  const archive = readOsvArchive(from);
  return { layout: archive.layout, archive: archive.files };
}

/** An OSV folder over HTTP; `csv`: its modified_id.csv, when already fetched. */
function httpFolder(remote: RemoteServer, csv: Uint8Array | null = null): OsvFolder {
  let first = csv;
  return {
    where: remote.base.href,
    get: async (name) => {
      if (name === 'modified_id.csv' && first) {
        const got = first;
        first = null;
        return got;
      }
      return remote.bytesOrNull(name, name === 'all.zip' ? ARCHIVE_TIMEOUT_MS : undefined);
    },
  };
}

/** Each stored advisory's `modified`, by id: what need not be fetched again. */
async function localModified(store: Store): Promise<Map<string, string>> {
  const reads = await openAdvisoryReads(store);
  try {
    return new Map((await reads.modifiedIndex()).map((r) => [r.id, r.modified]));
  } finally {
    reads.close();
  }
}

/**
 * The record files of a folder to import: all.zip when there is no position yet and the folder has
 * one; otherwise the files modified_id.csv lists as modified after the position and not already
 * stored as new. `newest`: the csv's newest time (null when all.zip was read: the records say).
 */
async function readFolder(
  folder: OsvFolder,
  position: string | null,
  local: ReadonlyMap<string, string>,
  opts: SyncOptions,
): Promise<{ files: Iterable<AdvisoryFile>; newest: string | null; missing: FileProblem[] }> {
  if (position === null && opts.firstSync === 'refuse')
    throw new NswgError(
      'E_USAGE',
      `has never been synced into this database: run \`nswg db sync ${folder.where}\` once, which reads it whole`,
      { file: folder.where },
    );
  if (position === null) {
    const zip = await folder.get('all.zip');
    if (zip) return { files: zipJsonFiles(zip, `${folder.where}all.zip`), newest: null, missing: [] };
  }
  const csvName = `${folder.where}modified_id.csv`;
  const csv = await folder.get('modified_id.csv');
  if (!csv)
    throw new NswgError(
      'E_NOT_FOUND',
      'is neither an OSV folder (all.zip, modified_id.csv) nor an nswg server',
      {
        file: folder.where,
      },
    );
  const entries = parseModifiedCsv(Buffer.from(csv).toString('utf8'), csvName, position);
  const wanted = entries.filter((e) => {
    const mine = local.get(e.id);
    return mine === undefined || Date.parse(e.modified) > Date.parse(mine);
  });
  const missing: FileProblem[] = [];
  const fetched = await inPool(
    wanted,
    opts.concurrency ?? 8,
    async (e: ModifiedEntry): Promise<AdvisoryFile | null> => {
      const file = `${folder.where}${encodeURIComponent(e.osvId)}.json`;
      const data = await folder.get(`${encodeURIComponent(e.osvId)}.json`);
      if (data) return { file, text: Buffer.from(data).toString('utf8'), modified: e.modified };
      missing.push({
        file,
        field: '(file)',
        message: 'is listed in modified_id.csv but not found',
        level: 'error',
      });
      return null;
    },
    opts.onProgress && ((done) => opts.onProgress!(done, wanted.length)),
  );
  return {
    files: fetched.filter((f): f is AdvisoryFile => f !== null),
    newest: entries[0]?.modified ?? null,
    missing,
  };
}
