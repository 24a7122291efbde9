import type { Severity } from '../../advisories/index.js';
import { type QueueFilter, REPORT_STATES, type ReportState, TOOLS_USED } from '../../disclosure/index.js';
import { NswgError } from '../../errors.js';

const SEVERITIES: readonly string[] = ['info', 'low', 'moderate', 'high', 'critical'];

/**
 * The queue's filter from a query string (the API's and the triage page's): `state` one state or
 * several separated by commas, `package`, `severity`, `mine=1`, `toolsUsed` (none, tools, ai, tools-and-ai, unstated). An unknown state is E_REQUEST_INVALID,
 * like any other malformed parameter.
 */
export function queueFilter(q: {
  state?: string | undefined;
  package?: string | undefined;
  severity?: string | undefined;
  mine?: string | undefined;
  toolsUsed?: string | undefined;
}): QueueFilter {
  const f: QueueFilter = {};
  if (q.state) {
    const states = q.state
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = states.filter((s) => !(REPORT_STATES as readonly string[]).includes(s));
    if (bad.length)
      throw new NswgError(
        'E_REQUEST_INVALID',
        `unknown state ${bad[0]}: one of ${REPORT_STATES.join(', ')}`,
        { field: 'querystring.state' },
      );
    f.states = states as ReportState[];
  }
  if (q.package?.trim()) f.packageName = q.package.trim();
  if (q.severity && SEVERITIES.includes(q.severity)) f.severity = q.severity as Severity;
  if (q.mine === '1' || q.mine === 'true') f.mine = true;
  if (q.toolsUsed && [...TOOLS_USED, 'unstated'].includes(q.toolsUsed))
    f.toolsUsed = q.toolsUsed as QueueFilter['toolsUsed'];
  return f;
}
