import type { FastifyInstance } from 'fastify';
import {
  type Advisory,
  advisoryIdForms,
  isMalicious,
  type NpmBulkAdvisory,
  toNpmBulk,
  toOsv,
} from '../../advisories/index.js';
import { EntryMatcher, joinAliased, type MatchableAdvisory, spansMayHold } from '../../scan/index.js';
import type { SpanRow } from '../../store/advisories/package-reads.js';
import { type AdvisoryReads, type MatchRow, openAdvisoryReads } from '../../store/advisories/reads.js';
import { advisoryWriteCount } from '../../store/advisories/store.js';
import type { AppDeps } from '../deps.js';

/** What a cached advisory holds once its brief is read. */
interface Loaded {
  modified: string;
  withdrawn: boolean;
  matchers: EntryMatcher[];
  aliases: string[];
  /** Malware by its own record (isMalicious). */
  ownMalicious: boolean;
  /** The reduced record (for the bulk entries). */
  partial: string;
}

/**
 * An advisory as the API routes use it, kept small because many are cached. A package's advisories
 * enter the cache as the package index gives them: id and spans (the versions they hold as key
 * intervals, scan's matchSpans), nothing of the advisory read. An advisory is loaded (its brief read
 * and parsed: the matchers, the scanner's own, so that every endpoint decides as `nswg audit` does,
 * and what npm's bulk answer needs) only when its spans say it may hold a version asked about, or
 * when a query asks for every advisory of the package; most of a package's advisories never are.
 * Once asked for, the OSV record is kept as JSON text; the whole record is read again by the rare
 * routes that need it.
 */
export class CachedAdvisory implements MatchableAdvisory {
  /** Malware (isMalicious), or joined by an alias with a malicious record of the same package (of those loaded). */
  malicious = false;
  /**
   * The advisories of the same package, loaded, that share an id or alias with it (itself included,
   * withdrawn ones left out), when there are any: records of one vulnerability, which npm's
   * endpoints answer once (aliasAnswers). Worked out again whenever more of the package is loaded.
   */
  aliasGroup: AliasGroup | null = null;
  /** npm bulk entries for `name`, made on first use, `url` left empty (affected entry index → entry). */
  bulk?: Map<number, NpmBulkAdvisory>;
  /** The bulk entries as JSON text with their `url`, made once (for the `url` base in `bulkUrl`). */
  bulkJson?: Map<number, string>;
  bulkUrl?: string;
  osvJson?: string;
  /** Its brief being read, by the request that reads it (others wait for that). */
  loading: Promise<void> | null = null;
  #loaded: Loaded | null = null;

  constructor(
    readonly id: string,
    /** The npm package this advisory was looked up by (null: by id, or Node.js core). */
    readonly name: string | null,
    /** The versions of `name` it holds, as spans; null: unknown (it is loaded to decide). */
    readonly spans: string | null,
  ) {}

  /** Whether its brief has been read. */
  get loaded(): boolean {
    return this.#loaded !== null;
  }

  /** Reads its brief (a MatchRow's partial record). */
  load(partial: string): void {
    const a = JSON.parse(partial) as Advisory;
    const aliases = a.aliases ?? [];
    const ownMalicious = isMalicious({ id: this.id, aliases, weaknesses: a.weaknesses ?? [] });
    this.#loaded = {
      modified: a.modified,
      withdrawn: a.withdrawn !== null && a.withdrawn !== undefined,
      matchers: a.affected.map((x) => new EntryMatcher(x)),
      aliases,
      ownMalicious,
      partial,
    };
    this.malicious = ownMalicious;
  }

  #get(): Loaded {
    if (!this.#loaded) throw new Error(`advisory ${this.id} is read before it is loaded`);
    return this.#loaded;
  }
  get modified(): string {
    return this.#get().modified;
  }
  get withdrawn(): boolean {
    return this.#get().withdrawn;
  }
  get matchers(): EntryMatcher[] {
    return this.#get().matchers;
  }
  get aliases(): string[] {
    return this.#get().aliases;
  }
  get ownMalicious(): boolean {
    return this.#get().ownMalicious;
  }
  get partial(): string {
    return this.#get().partial;
  }

  /** Can it hold one of these versions (null: any version)? Only a loaded advisory's matchers say it does. */
  mayHold(versions: readonly string[] | null): boolean {
    return versions === null || spansMayHold(this.spans, versions);
  }

  /** Whether a request for these versions must load it first: not loaded, and it may hold one. */
  needsLoad(versions: readonly string[] | null): boolean {
    return !this.loaded && this.mayHold(versions);
  }
}

/**
 * How many advisories the per-package cache may hold, and how many single advisories. Most are
 * never loaded (an id and spans: some 150 bytes each), so the cache holds far more than it reads.
 */
const MAX_PACKAGE_ADVISORIES = 40_000;
/** The whole answers kept (keepAnswer), in bytes. */
const MAX_ANSWER_BYTES = 32 << 20;

/** What a kept answer takes: its bytes, its key's two parts (two bytes a character at most) and the entries. */
const answerSize = (name: string, rest: string, answer: Buffer): number =>
  answer.length + 2 * (name.length + rest.length) + 128;
const MAX_SINGLE = 2000;

/** A package's entry in the look-up cache: its advisories, and whether it was read since eviction last passed it. */
interface CachedPackage {
  list: CachedAdvisory[];
  used: boolean;
}

/** Advisories of one package that share an id or alias: one vulnerability. */
export interface AliasGroup {
  /** Each with its id and aliases, the one joinAliased names the vulnerability by first. */
  members: { a: Pick<Advisory, 'id' | 'aliases'>; c: CachedAdvisory }[];
}

/** A single advisory's cache entry, loaded from its record. */
function singleEntry(row: MatchRow): CachedAdvisory {
  const c = new CachedAdvisory(row.id, null, null);
  c.load(row.partial);
  return c;
}

/** A package's cache entries from its index rows, by id in JavaScript's string order, each once. */
function packageEntries(rows: SpanRow[], name: string | null): CachedAdvisory[] {
  // sorted here, not by SQL: PostgreSQL's collation may order ids differently, and page tokens rely on it
  if (rows.length > 1) rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const list: CachedAdvisory[] = [];
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    const before = i ? rows[i - 1]! : null;
    if (before?.id !== r.id) list.push(new CachedAdvisory(r.id, name, r.spans));
    // an advisory with two entries for the package has two rows, alike (their spans differ only
    // when stored by an older release: read it whole then)
    else if (before.spans !== r.spans) list[list.length - 1] = new CachedAdvisory(r.id, name, null);
  }
  return list;
}

/**
 * Groups the loaded advisories of a package that name each other (joinAliased), so that a request
 * only looks at the groups; a malicious record makes its whole group malicious. Bulk entries made
 * before a change of that are made again.
 */
function regroup(list: readonly CachedAdvisory[]): void {
  const live: AliasGroup['members'] = [];
  for (const c of list) {
    if (!c.loaded) continue;
    const before = c.malicious;
    c.aliasGroup = null;
    c.malicious = c.ownMalicious;
    if (!c.withdrawn) live.push({ a: { id: c.id, aliases: c.aliases }, c });
    if (before !== c.malicious) c.bulk = c.bulkJson = undefined;
  }
  if (live.length < 2) return;
  for (const joined of joinAliased(live)) {
    if (joined.hits.length < 2) continue;
    const group: AliasGroup = { members: joined.hits };
    const malicious = joined.hits.some((h) => h.c.malicious);
    for (const h of joined.hits) {
      h.c.aliasGroup = group;
      if (h.c.malicious !== malicious) h.c.bulk = h.c.bulkJson = undefined;
      h.c.malicious = malicious;
    }
  }
}

/**
 * Which of an alias group's advisories answer for some versions, and with which of their entries:
 * per version, of the members holding it, joined as the audit joins the records affecting one
 * installed version (scan/join.ts), only the one naming each vulnerability. `holding(c, k)` gives
 * the indexes of c's entries holding version k; the answer has, per member, the entries it answers
 * with for each version (empty where another member answers, or it holds none).
 */
export function aliasAnswers(
  group: AliasGroup,
  versions: number,
  holding: (c: CachedAdvisory, k: number) => number[],
): Map<CachedAdvisory, number[][]> {
  const out = new Map(
    group.members.map((m) => [m.c, Array.from({ length: versions }, (): number[] => [])] as const),
  );
  for (let k = 0; k < versions; k++) {
    const hits: { a: Pick<Advisory, 'id' | 'aliases'>; c: CachedAdvisory; entries: number[] }[] = [];
    for (const m of group.members) {
      const entries = holding(m.c, k);
      if (entries.length) hits.push({ ...m, entries });
    }
    for (const joined of joinAliased(hits)) out.get(joined.hits[0]!.c)![k] = joined.hits[0]!.entries;
  }
  return out;
}

/** The npm bulk entries of a cached advisory for the package it was looked up by (made once). */
export function bulkEntries(c: CachedAdvisory): Map<number, NpmBulkAdvisory> {
  if (!c.bulk) {
    c.bulk = new Map();
    if (c.name !== null) {
      const a = JSON.parse(c.partial) as Advisory;
      const name = c.name;
      const indexes = a.affected.flatMap((x, i) => (x.ecosystem === 'npm' && x.name === name ? [i] : []));
      // toNpmBulk gives one entry per affected entry of the name, in order
      toNpmBulk(a, name, () => '', c.malicious).forEach((b, k) => {
        c.bulk!.set(indexes[k]!, b);
      });
    }
  }
  return c.bulk;
}

/**
 * The advisories of packages, ready to match, cached in this process until the advisories change
 * (any import that changes them, by this process or another, sets a new version in `meta`). Every
 * request calls `refresh()` first, which decides whether the caches still hold.
 */
export class AdvisoryLookup {
  private version: string | null = null;
  private checkedAt = 0;
  private writesSeen = -1;
  /** Bumped whenever the caches are emptied, so that a look-up begun before does not fill them with old data. */
  private generation = 0;
  /**
   * By ecosystem, then package name, oldest first. Reading an entry marks it used instead of moving
   * it to the end (a Map's delete and set at every hit took half of a cached look-up's time):
   * eviction gives a used entry a second chance (the clock approximation of least recently used).
   */
  private readonly packages = {
    npm: new Map<string, CachedPackage>(),
    node: new Map<string, CachedPackage>(),
  };
  private packageCount = 0;
  /**
   * The package index reads in progress, by ecosystem and name: a request for a package being read
   * waits for that read instead of making its own. On PostgreSQL, where a read is a round trip, 32
   * clients asking for the same packages in turn made up to 32 reads of each.
   */
  private readonly reading = {
    npm: new Map<string, Promise<Map<string, CachedAdvisory[]>>>(),
    node: new Map<string, Promise<Map<string, CachedAdvisory[]>>>(),
  };
  private readonly single = new Map<string, CachedAdvisory | null>();
  private readonly memos = new Map<string, Promise<unknown>>();
  /**
   * Whole answers of a route, by ecosystem, package name and the rest of the query (keepAnswer), and
   * what they take in all. Two levels, not one key: a key made of the parts was a new string to hash
   * at every request, a third of a kept answer's time.
   */
  private readonly answers = {
    npm: new Map<string, Map<string, Buffer>>(),
    node: new Map<string, Map<string, Buffer>>(),
  };
  private answerBytes = 0;

  constructor(
    private readonly reads: AdvisoryReads,
    /** How many advisories (plus one per package) the per-package cache may hold. */
    private readonly capacity = MAX_PACKAGE_ADVISORIES,
    /** How many bytes the whole answers kept may take, their keys counted. */
    private readonly answerCapacity = MAX_ANSWER_BYTES,
  ) {}

  /** What the whole answers kept take, in bytes, their keys counted (tests, metrics). */
  get answerBytesKept(): number {
    return this.answerBytes;
  }

  /** How many advisories, plus one per package, the per-package cache holds (tests, metrics). */
  get cachedCount(): number {
    return this.packageCount;
  }

  /** Whether the package's advisories are in the cache. */
  isCached(ecosystem: 'npm' | 'node', name: string): boolean {
    return this.packages[ecosystem].has(name);
  }

  /**
   * Empties the caches when the data changed since the last call. Advisories written in this
   * process are seen at once; another process's within the reads' recheckMs: the advisories'
   * version is read at most that often, not on every request. Undefined when the caches hold
   * without asking: a hot route need not wait a turn for it.
   */
  refresh(): Promise<void> | undefined {
    const now = performance.now();
    const writes = advisoryWriteCount();
    if (this.version !== null && writes === this.writesSeen && now - this.checkedAt < this.reads.recheckMs)
      return undefined;
    this.checkedAt = now;
    this.writesSeen = writes;
    return this.#reread();
  }

  async #reread(): Promise<void> {
    const v = await this.reads.dataVersion();
    if (v === this.version) return;
    this.version = v;
    this.generation++;
    this.packages.npm.clear();
    this.packages.node.clear();
    this.packageCount = 0;
    this.single.clear();
    this.reading.npm.clear();
    this.reading.node.clear();
    this.memos.clear();
    this.#dropAnswers();
  }

  #dropAnswers(): void {
    this.answers.npm.clear();
    this.answers.node.clear();
    this.answerBytes = 0;
  }

  /**
   * The cache's generation: take it before computing an answer, and give it to keepAnswer, which
   * keeps nothing computed from data that has changed since.
   */
  get generationNow(): number {
    return this.generation;
  }

  /**
   * A whole answer kept by keepAnswer for a query of a package: `rest` is the rest of the query,
   * spelt so that no two queries share it. Call refresh() first.
   */
  answer(ecosystem: 'npm' | 'node', name: string, rest: string): Buffer | undefined {
    return this.answers[ecosystem].get(name)?.get(rest);
  }

  /**
   * Keeps a route's whole answer to a query until the data changes (`since`: the generation taken
   * before computing it). The answers kept take at most the answers' capacity, their keys counted:
   * past it they are all dropped, to be kept again as they are asked (queries are the clients' own
   * text: a flood of different ones costs work, not memory). An answer taking more than a tenth of
   * the capacity is not kept.
   */
  keepAnswer(ecosystem: 'npm' | 'node', name: string, rest: string, since: number, answer: Buffer): void {
    const size = answerSize(name, rest, answer);
    if (since !== this.generation || size > this.answerCapacity / 10) return;
    if (this.answerBytes + size > this.answerCapacity) this.#dropAnswers();
    const byName = this.answers[ecosystem];
    let kept = byName.get(name);
    if (!kept) {
      kept = new Map();
      byName.set(name, kept);
    } else if (kept.has(rest)) return;
    kept.set(rest, answer);
    this.answerBytes += size;
  }

  /** A value computed from the data (an export, the feed), kept until the data changes. Call refresh() first. */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let p = this.memos.get(key) as Promise<T> | undefined;
    if (!p) {
      const generation = this.generation;
      p = compute();
      this.memos.set(key, p);
      p.catch(() => {
        if (generation === this.generation) this.memos.delete(key);
      });
    }
    return p;
  }

  /**
   * Every advisory naming the package (withdrawn ones too), by id in JavaScript's string order, as
   * the package index gives them: not loaded (see packagesFor).
   */
  async forPackage(ecosystem: 'npm' | 'node', name: string): Promise<CachedAdvisory[]> {
    return (await this.packagesFor(ecosystem, new Map([[name, []]]))).get(name)!;
  }

  /**
   * A package's advisories when the cache already holds all that a request for these versions needs
   * (each one loaded, or unable to hold them), else undefined: then packagesFor reads what is
   * missing. The usual case of a single query, without packagesFor's maps and promises.
   */
  cachedFor(
    ecosystem: 'npm' | 'node',
    name: string,
    versions: readonly string[] | null,
  ): CachedAdvisory[] | undefined {
    const hit = this.packages[ecosystem].get(name);
    if (!hit) return undefined;
    const list = hit.list;
    for (let i = 0; i < list.length; i++) if (list[i]!.needsLoad(versions)) return undefined;
    hit.used = true;
    return list;
  }

  /**
   * The advisories of the packages asked about (by name, with the versions asked about; null:
   * every version), each list by id in JavaScript's string order, with every advisory loaded that
   * may hold one of the versions: the others cannot, and a route passes over an advisory that is not
   * loaded. Two reads at most, whatever the number of packages: the package index for those not in
   * the cache yet (names without advisories are cached as such), and the briefs to load.
   */
  async packagesFor(
    ecosystem: 'npm' | 'node',
    wants: ReadonlyMap<string, readonly string[] | null>,
  ): Promise<Map<string, CachedAdvisory[]>> {
    const cache = this.packages[ecosystem];
    const lists = new Map<string, CachedAdvisory[]>();
    const missing: string[] = [];
    for (const name of wants.keys()) {
      const hit = cache.get(name);
      if (!hit) {
        missing.push(name);
        continue;
      }
      hit.used = true;
      lists.set(name, hit.list);
    }
    if (missing.length) {
      const reading = this.reading[ecosystem];
      const toRead = missing.filter((name) => !reading.has(name));
      if (toRead.length) {
        const generation = this.generation;
        const read = this.reads.spanRowsMany(ecosystem, toRead).then((found) => {
          const out = new Map<string, CachedAdvisory[]>();
          for (const name of toRead) {
            const list = packageEntries(found.get(name) ?? [], ecosystem === 'npm' ? name : null);
            out.set(name, list);
            if (generation === this.generation) this.remember(cache, name, list);
          }
          this.evict();
          return out;
        });
        for (const name of toRead) reading.set(name, read);
        // a failed read fails the requests that wait for it, and the next request reads again
        const done = () => {
          for (const name of toRead) if (reading.get(name) === read) reading.delete(name);
        };
        read.then(done, done);
      }
      const waited = await Promise.all(missing.map((name) => reading.get(name)!));
      for (const [i, name] of missing.entries()) lists.set(name, waited[i]!.get(name)!);
    }
    const toLoad = new Map<string, CachedAdvisory[]>();
    const touched = new Set<CachedAdvisory[]>();
    const others = new Set<Promise<void>>();
    for (const [name, list] of lists) {
      const versions = wants.get(name)!;
      for (const c of list) {
        if (!c.needsLoad(versions)) continue;
        // being loaded by another request: wait for it, its list regrouped
        if (c.loading) {
          others.add(c.loading);
          continue;
        }
        const same = toLoad.get(c.id);
        if (same) same.push(c);
        else toLoad.set(c.id, [c]);
        touched.add(list);
      }
    }
    if (toLoad.size) {
      const loading = this.reads.matchRowsOf([...toLoad.keys()]).then((rows) => {
        for (const row of rows) for (const c of toLoad.get(row.id)!) c.load(row.partial);
        for (const list of touched) regroup(list);
      });
      for (const cs of toLoad.values()) for (const c of cs) c.loading = loading;
      const clear = () => {
        for (const cs of toLoad.values()) for (const c of cs) if (c.loading === loading) c.loading = null;
      };
      // a failed load is tried again by the next request
      loading.then(clear, clear);
      await loading;
    }
    if (others.size) await Promise.all(others);
    return lists;
  }

  /** Reads the package index of every package not in the cache yet, with one query (nothing is loaded). */
  async prefetch(ecosystem: 'npm' | 'node', names: Iterable<string>): Promise<void> {
    await this.packagesFor(ecosystem, new Map([...names].map((n) => [n, []])));
  }

  private remember(cache: Map<string, CachedPackage>, name: string, list: CachedAdvisory[]): void {
    const before = cache.get(name);
    if (before) {
      this.packageCount -= before.list.length + 1;
      cache.delete(name);
    }
    cache.set(name, { list, used: false });
    this.packageCount += list.length + 1;
  }

  /**
   * Drops packages, oldest first, until the cache holds at most `capacity`: one used since it was
   * last passed over is moved to the end, unmarked, instead (so each entry is seen at most twice).
   */
  private evict(): void {
    for (const cache of [this.packages.npm, this.packages.node]) {
      if (this.packageCount <= this.capacity) return;
      for (const [k, v] of cache) {
        if (this.packageCount <= this.capacity) return;
        cache.delete(k);
        if (v.used) {
          v.used = false;
          cache.set(k, v);
        } else this.packageCount -= v.list.length + 1;
      }
    }
  }

  /**
   * One advisory by its id, else by an alias (a CVE id; the first by id when several share it), in
   * any spelling the store's `resolve` takes (advisories/ids.ts).
   */
  async advisory(idOrAlias: string): Promise<CachedAdvisory | null> {
    const hit = this.single.get(idOrAlias);
    if (hit !== undefined) return hit;
    const generation = this.generation;
    const forms = advisoryIdForms(idOrAlias);
    let row: { id: string; record: string } | null = null;
    for (const id of forms) if (!row) row = await this.reads.byId(id);
    for (const alias of forms) if (!row) row = (await this.reads.byAlias(alias))[0] ?? null;
    const found = row ? singleEntry({ id: row.id, partial: row.record }) : null;
    if (generation === this.generation) {
      if (this.single.size >= MAX_SINGLE) this.single.delete(this.single.keys().next().value as string);
      this.single.set(idOrAlias, found);
    }
    return found;
  }

  /** The whole record of an advisory (read again: only rare routes need it); null if it is gone. */
  async record(c: CachedAdvisory): Promise<Advisory | null> {
    const row = await this.reads.byId(c.id);
    return row ? (JSON.parse(row.record) as Advisory) : null;
  }

  /** The OSV records of advisories as JSON text, made once each with `serialize` (the route's schema serializer). */
  async osvJson(
    list: CachedAdvisory[],
    serialize: (o: { [key: string]: unknown }) => string,
  ): Promise<string[]> {
    const out: string[] = [];
    for (const c of list) {
      if (c.osvJson === undefined) {
        const a = await this.record(c);
        if (!a) continue;
        c.osvJson = serialize(toOsv(a) as unknown as { [key: string]: unknown });
      }
      out.push(c.osvJson);
    }
    return out;
  }

  /** The read paths underneath (exports, the feed). */
  get store(): AdvisoryReads {
    return this.reads;
  }
}

const lookups = new WeakMap<object, Promise<AdvisoryLookup>>();

/** The app's lookup when a route has opened it (undefined before): the metrics read it without opening one. */
export function openedLookup(app: FastifyInstance): Promise<AdvisoryLookup> | undefined {
  return lookups.get(app.server);
}

/**
 * The one lookup of an app (route families share it; it is keyed by the app's HTTP server, so
 * two apps never share one). Its extra database connection closes with the app.
 */

export function lookupFor(app: FastifyInstance, deps: AppDeps): Promise<AdvisoryLookup> {
  let p = lookups.get(app.server);
  if (!p) {
    p = openAdvisoryReads(deps.store).then((reads) => new AdvisoryLookup(reads));
    lookups.set(app.server, p);
    const created = p;
    app.addHook('onClose', async () => {
      if (lookups.get(app.server) !== created) return;
      lookups.delete(app.server);
      (await created).store.close();
    });
  }
  return p;
}
