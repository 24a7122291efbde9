import type { FastifyInstance } from 'fastify';
import {
  type Advisory,
  advisoryIdForms,
  isMalicious,
  type NpmBulkAdvisory,
  toNpmBulk,
  toOsv,
} from '../../advisories/index.js';
import { EntryMatcher, joinAliased, type MatchableAdvisory } from '../../scan/index.js';
import { type AdvisoryReads, type MatchRow, openAdvisoryReads } from '../../store/advisories/reads.js';
import type { AppDeps } from '../deps.js';

/**
 * An advisory as the API routes use it, kept small because many are cached: the matchers (the
 * scanner's own, so that every endpoint decides as `nswg audit` does), what npm's bulk answer
 * needs and, once asked for, the OSV record as JSON text. The whole record is read again by the
 * rare routes that need it.
 */
export interface CachedAdvisory extends MatchableAdvisory {
  id: string;
  modified: string;
  withdrawn: boolean;
  matchers: EntryMatcher[];
  /** The npm package this advisory was looked up by (null: by id, or Node.js core). */
  name: string | null;
  /** Malware (isMalicious), or joined with a malicious record of the same package by an alias. */
  malicious: boolean;
  /**
   * The other advisories of the same package that share an id or alias with it (itself included,
   * withdrawn ones left out), when there are any: records of one vulnerability, which npm's
   * endpoints answer once (aliasAnswers). Worked out once, when the package's list is cached.
   */
  aliasGroup: AliasGroup | null;
  /** The reduced record, until the bulk entries are made from it. */
  partial?: string;
  /** npm bulk entries for `name`, made on first use, `url` left empty (affected entry index → entry). */
  bulk?: Map<number, NpmBulkAdvisory>;
  /** The bulk entries as JSON text with their `url`, made once (for the `url` base in `bulkUrl`). */
  bulkJson?: Map<number, string>;
  bulkUrl?: string;
  osvJson?: string;
}

/** How many advisories the per-package cache may hold, and how many single advisories. */
const MAX_PACKAGE_ADVISORIES = 16_000;
const MAX_SINGLE = 2000;

/** Advisories of one package that share an id or alias: one vulnerability. */
export interface AliasGroup {
  /** Each with its id and aliases, the one joinAliased names the vulnerability by first. */
  members: { a: Pick<Advisory, 'id' | 'aliases'>; c: CachedAdvisory }[];
}

/** The cache entry of an advisory; `name` is the npm package it was looked up by, if any. */
function entryOf(
  row: MatchRow,
  name: string | null,
  a = JSON.parse(row.partial) as Advisory,
): CachedAdvisory {
  return {
    id: row.id,
    modified: a.modified,
    withdrawn: a.withdrawn !== null && a.withdrawn !== undefined,
    matchers: a.affected.map((x) => new EntryMatcher(x)),
    name,
    malicious: isMalicious({ id: row.id, aliases: a.aliases ?? [], weaknesses: a.weaknesses ?? [] }),
    aliasGroup: null,
    ...(name !== null ? { partial: row.partial } : {}),
  };
}

/**
 * The cache entries of a package's advisories, by id, with the records that name each other
 * grouped (joinAliased over the whole list, once, so that a request only looks at the groups).
 */
function packageEntries(rows: readonly MatchRow[], name: string | null): CachedAdvisory[] {
  const parsed = rows.map((r) => ({ r, a: JSON.parse(r.partial) as Advisory }));
  const list = parsed.map(({ r, a }) => entryOf(r, name, a));
  if (list.length > 1) {
    const live = parsed.flatMap(({ a }, i) =>
      list[i]!.withdrawn ? [] : [{ a: { id: list[i]!.id, aliases: a.aliases ?? [] }, c: list[i]! }],
    );
    for (const joined of joinAliased(live)) {
      if (joined.hits.length < 2) continue;
      const group: AliasGroup = { members: joined.hits };
      const malicious = joined.hits.some((h) => h.c.malicious);
      for (const h of joined.hits) {
        h.c.aliasGroup = group;
        h.c.malicious = malicious;
      }
    }
  }
  return list.sort(byId);
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
    if (c.name !== null && c.partial !== undefined) {
      const a = JSON.parse(c.partial) as Advisory;
      const name = c.name;
      const indexes = a.affected.flatMap((x, i) => (x.ecosystem === 'npm' && x.name === name ? [i] : []));
      // toNpmBulk gives one entry per affected entry of the name, in order
      toNpmBulk(a, name, () => '', c.malicious).forEach((b, k) => {
        c.bulk!.set(indexes[k]!, b);
      });
    }
    c.partial = undefined;
  }
  return c.bulk;
}

const byId = (a: CachedAdvisory, b: CachedAdvisory) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The advisories of packages, ready to match, cached in this process until the data changes (any
 * import, by this process or another, moves the store's data version). Every request calls
 * `refresh()` first: one cheap read (an SQLite pragma, or PostgreSQL's WAL position) decides
 * whether the caches still hold.
 */
export class AdvisoryLookup {
  private version: string | null = null;
  /** Bumped whenever the caches are emptied, so that a look-up begun before does not fill them with old data. */
  private generation = 0;
  /** By ecosystem, then package name, least recently used first. */
  private readonly packages = {
    npm: new Map<string, CachedAdvisory[]>(),
    node: new Map<string, CachedAdvisory[]>(),
  };
  private packageCount = 0;
  private readonly single = new Map<string, CachedAdvisory | null>();
  private readonly memos = new Map<string, Promise<unknown>>();

  constructor(
    private readonly reads: AdvisoryReads,
    /** How many advisories (plus one per package) the per-package cache may hold. */
    private readonly capacity = MAX_PACKAGE_ADVISORIES,
  ) {}

  /** How many advisories, plus one per package, the per-package cache holds (tests, metrics). */
  get cachedCount(): number {
    return this.packageCount;
  }

  /** Whether the package's advisories are in the cache. */
  isCached(ecosystem: 'npm' | 'node', name: string): boolean {
    return this.packages[ecosystem].has(name);
  }

  /** Empties the caches when the data changed since the last call. */
  async refresh(): Promise<void> {
    const v = await this.reads.dataVersion();
    if (v === this.version) return;
    this.version = v;
    this.generation++;
    this.packages.npm.clear();
    this.packages.node.clear();
    this.packageCount = 0;
    this.single.clear();
    this.memos.clear();
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

  /** Every advisory naming the package (withdrawn ones too), by id in JavaScript's string order. */
  async forPackage(ecosystem: 'npm' | 'node', name: string): Promise<CachedAdvisory[]> {
    const cache = this.packages[ecosystem];
    const hit = cache.get(name);
    if (hit) {
      // most recently used last: eviction takes from the front
      cache.delete(name);
      cache.set(name, hit);
      return hit;
    }
    const generation = this.generation;
    const rows = await this.reads.matchRows(ecosystem, name);
    // sorted here, not by SQL: PostgreSQL's collation may order ids differently, and page tokens rely on it
    const list = packageEntries(rows, ecosystem === 'npm' ? name : null);
    if (generation === this.generation) {
      this.remember(cache, name, list);
      this.evict();
    }
    return list;
  }

  /**
   * Reads the advisories of every package not in the cache yet with one query (names without
   * advisories are cached as such), so that a request naming 1,600 packages costs one read, not 1,600.
   */
  async prefetch(ecosystem: 'npm' | 'node', names: Iterable<string>): Promise<void> {
    const cache = this.packages[ecosystem];
    const missing = new Set<string>();
    for (const n of names) if (!cache.has(n)) missing.add(n);
    if (!missing.size) return;
    const generation = this.generation;
    const found = await this.reads.matchRowsMany(ecosystem, [...missing]);
    if (generation !== this.generation) return;
    for (const name of missing) {
      const rows = found.get(name);
      this.remember(cache, name, rows ? packageEntries(rows, ecosystem === 'npm' ? name : null) : []);
    }
    this.evict();
  }

  private remember(cache: Map<string, CachedAdvisory[]>, name: string, list: CachedAdvisory[]): void {
    const before = cache.get(name);
    if (before) this.packageCount -= before.length + 1;
    cache.set(name, list);
    this.packageCount += list.length + 1;
  }

  /** Drops the least recently used packages until the cache holds at most `capacity` (one pass). */
  private evict(): void {
    for (const cache of [this.packages.npm, this.packages.node]) {
      if (this.packageCount <= this.capacity) return;
      for (const [k, v] of cache) {
        if (this.packageCount <= this.capacity) return;
        cache.delete(k);
        this.packageCount -= v.length + 1;
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
    const found = row ? entryOf({ id: row.id, partial: row.record }, null) : null;
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
