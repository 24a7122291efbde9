import { NswgError } from '../errors.js';
import { idFromOsv } from './formats/osv.js';

/** A line of a modified_id.csv: the record's OSV id (its file is `<osvId>.json`), internal id and last modification. */
export interface ModifiedEntry {
  osvId: string;
  id: string;
  modified: string;
}

/**
 * The lines `<modified>,<id>` of a modified_id.csv (osv.dev's and nswg's exports), newest first as
 * both publish them. With `since`, reading stops at the first line not modified after it: an
 * incremental sync reads only the head of osv.dev's file, which lists every npm record.
 * E_REMOTE naming the source and line for a line that is not `<modified>,<id>`.
 */
export function parseModifiedCsv(text: string, source: string, since: string | null = null): ModifiedEntry[] {
  const out: ModifiedEntry[] = [];
  const after = since === null ? null : Date.parse(since);
  let start = 0;
  for (let line = 1; start < text.length; line++) {
    const nl = text.indexOf('\n', start);
    const raw = text.slice(start, nl < 0 ? text.length : nl);
    start = nl < 0 ? text.length : nl + 1;
    if (!raw.trim()) continue;
    const comma = raw.indexOf(',');
    const modified = raw.slice(0, comma).trim();
    const osvId = raw.slice(comma + 1).trim();
    const time = Date.parse(modified);
    if (comma < 0 || !osvId || Number.isNaN(time))
      throw new NswgError('E_REMOTE', `not a "<modified>,<id>" line: ${JSON.stringify(raw.slice(0, 100))}`, {
        file: source,
        line,
      });
    if (after !== null && time <= after) break;
    out.push({ osvId, id: idFromOsv(osvId), modified });
  }
  return out;
}
