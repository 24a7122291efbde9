import type { Advisory } from '../../advisories/index.js';
import type { AdvisoryBrief } from './brief.js';

/**
 * An advisory read from its brief (brief.ts), which holds what matching and the usual reports need; the rest
 * of the record (details, references, credits, …) is read and parsed on first use, for the
 * advisories that match and only by the reports that show it (SARIF, CycloneDX).
 * Readable only while its connection is open.
 */
export class LazyAdvisory implements Advisory {
  readonly id: string;
  readonly modified: string;
  readonly withdrawn: string | null;
  readonly title: string | null;
  readonly cvss: Advisory['cvss'];
  readonly declaredSeverity: string | null;
  readonly weaknesses: Advisory['weaknesses'];
  readonly affected: Advisory['affected'];
  readonly aliases: string[];
  #full: Advisory | undefined;
  readonly #load: (id: string) => Advisory;

  constructor(brief: AdvisoryBrief, load: (id: string) => Advisory) {
    this.#load = load;
    this.aliases = brief.aliases;
    this.id = brief.id;
    this.modified = brief.modified;
    this.withdrawn = brief.withdrawn;
    this.title = brief.title;
    this.cvss = brief.cvss;
    this.declaredSeverity = brief.declaredSeverity;
    this.weaknesses = brief.weaknesses;
    this.affected = brief.affected;
  }

  /** The whole record. */
  full(): Advisory {
    this.#full ??= this.#load(this.id);
    return this.#full;
  }

  get kind(): Advisory['kind'] {
    return this.full().kind;
  }
  get published(): string | null {
    return this.full().published;
  }
  get created(): string | null {
    return this.full().created;
  }
  get related(): string[] {
    return this.full().related;
  }
  get details(): string | null {
    return this.full().details;
  }
  get recommendation(): string | null {
    return this.full().recommendation;
  }
  get references(): Advisory['references'] {
    return this.full().references;
  }
  get credits(): Advisory['credits'] {
    return this.full().credits;
  }
  get coordinatingVendor(): string | null {
    return this.full().coordinatingVendor;
  }
  get asWritten(): Advisory['asWritten'] {
    return this.full().asWritten;
  }

  /** The whole record (JSON.stringify, a spread of its toJSON). */
  toJSON(): Advisory {
    return this.full();
  }
}
