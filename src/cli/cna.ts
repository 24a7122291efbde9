import { type CnaIdentity, validateCna } from '../disclosure/index.js';
import { NswgError } from '../errors.js';

/** What the CNA options hold. */
export interface CnaOption {
  cnaOrgId?: string;
  cnaShortName?: string;
}

/**
 * The CNA identity from the options or the environment, checked; null when neither is given (with
 * `required`, an E_USAGE naming the option instead). Throws E_USAGE naming the option at fault.
 */
export function cnaOf(opts: CnaOption, required = false): CnaIdentity | null {
  const orgId = opts.cnaOrgId ?? process.env.NSWG_CNA_ORG_ID;
  const shortName = opts.cnaShortName ?? process.env.NSWG_CNA_SHORT_NAME;
  const cna = validateCna(orgId, shortName, { orgId: '--cna-org-id', shortName: '--cna-short-name' });
  if (!cna && required)
    throw new NswgError(
      'E_USAGE',
      '--cna-org-id and --cna-short-name are needed: the CNA organization id and short name the CVE Program registered (or $NSWG_CNA_ORG_ID and $NSWG_CNA_SHORT_NAME)',
      { field: '--cna-org-id' },
    );
  return cna;
}
