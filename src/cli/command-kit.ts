import { Option } from 'commander';
import { DB_OPTION } from './command-actions.js';

// What every command's definition uses: how its action runs (command-actions.ts), and the options
// several share. Each command declares its own options next to its code (main.ts loads only the
// command that runs).

export { runs, runsAndExits } from './command-actions.js';

/** `--db`: the database every command that reads or writes one takes. */
export const dbOption = () => new Option(DB_OPTION.flags, DB_OPTION.description);

/** `--format` among `choices` (commander refuses any other value, naming the choices). */
export const formatOption = (
  choices: readonly string[],
  fallback: string | null = choices[0]!,
  what?: string,
) => {
  const o = new Option('--format <format>', what ?? choices.join(' or ')).choices(choices);
  return fallback === null ? o.makeOptionMandatory() : o.default(fallback);
};

/** `--secret-file`: the server secret, the same file as the server's. */
export const secretFileOption = (what = 'the server secret: the same file as the server') =>
  new Option('--secret-file <file>', `${what} (default: $NSWG_SECRET_FILE, else ~/.nswg/secret)`);

/** `--audit-anchor`: where the audit log's head is appended outside the database. */
export const anchorFileOption = (what = "the audit log's anchor file") =>
  new Option(
    '--audit-anchor <file>',
    `${what} (default: $NSWG_AUDIT_ANCHOR, else audit-anchor.jsonl beside the secret file)`,
  );

/** `--cna-org-id` and `--cna-short-name`: the program as a CNA, as the CVE Program registered it. */
export const cnaOptions = (): Option[] => [
  new Option(
    '--cna-org-id <uuid>',
    "the program's CNA organization id from the CVE Program, a UUID (default: $NSWG_CNA_ORG_ID)",
  ),
  new Option(
    '--cna-short-name <name>',
    "the program's CNA short name from the CVE Program (default: $NSWG_CNA_SHORT_NAME)",
  ),
];
