import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import {
  checkSecurityTxt,
  packageNameProblem,
  SECURITY_POLICY_PATHS,
  type SecurityTxtCheck,
  scoreSecurityPolicy,
  securityPolicyMarkdown,
} from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import { findSecurityPolicies, writeFileAtomic } from '../files/index.js';
import { formatOption, runs } from './command-kit.js';
import { writeStdout } from './output.js';
import { relativeFile } from './report-error.js';

/** How long fetching a site's security.txt may take. */
const FETCH_TIMEOUT_MS = 10_000;
/** The largest security.txt read: a real one is a few hundred bytes. */
const MAX_SECURITY_TXT_BYTES = 64 * 1024;

/** The options of `nswg policy init`. */
export interface PolicyInitOptions {
  package?: string;
  server?: string;
  email?: string;
  force?: boolean;
}

/** The server URL of `--server` (or $NSWG_SERVER), checked: an http(s) URL without a trailing slash. */
function serverUrl(given: string | undefined): string {
  const url = given ?? process.env.NSWG_SERVER;
  if (!url)
    throw new NswgError(
      'E_USAGE',
      '--server is needed: the URL of the nswg server that runs the disclosure program (or $NSWG_SERVER)',
      { field: '--server' },
    );
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new NswgError('E_USAGE', `not a URL: ${JSON.stringify(url)}`, { field: '--server' });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:')
    throw new NswgError('E_USAGE', `use an https:// URL, not ${u.protocol}`, { field: '--server' });
  return u.href.replace(/\/+$/, '');
}

/**
 * `nswg policy init [DIR] --package NAME`: writes DIR/SECURITY.md from the Working Group's template,
 * filled for the package, unless one is there (--force replaces it).
 */
export async function policyInit(dir: string | undefined, opts: PolicyInitOptions): Promise<void> {
  const name = opts.package ?? '';
  const problem =
    opts.package === undefined ? 'is needed: the npm package the policy is for' : packageNameProblem(name);
  if (problem)
    throw new NswgError(
      'E_USAGE',
      `${opts.package === undefined ? '' : `${JSON.stringify(name)}: `}${problem}`,
      {
        field: '--package',
      },
    );
  if (opts.email !== undefined && !/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(opts.email))
    throw new NswgError('E_USAGE', `${JSON.stringify(opts.email)} is not an e-mail address`, {
      field: '--email',
    });
  const text = securityPolicyMarkdown({
    packageName: name,
    publicUrl: serverUrl(opts.server),
    email: opts.email ?? null,
  });
  const file = join(resolve(dir ?? '.'), 'SECURITY.md');
  const force = opts.force === true;
  writeFileAtomic(file, text, { force });
  const { score } = scoreSecurityPolicy(text);
  writeStdout(
    `nswg: wrote ${relativeFile(file)} for ${name} (OpenSSF Scorecard Security-Policy: ${score}/10)\n`,
  );
}

/** What `nswg policy check` found in one file. */
interface Finding {
  /** The file's path in the repository, or the URL it was fetched from. */
  where: string;
  kind: 'security-policy' | 'security.txt';
  score?: number;
  problems: string[];
}

/** `nswg policy check DIR`: every policy file at Scorecard's places, scored as Scorecard does. */
function checkFolder(dir: string): Finding[] {
  const found = findSecurityPolicies(dir);
  if (!found.length)
    return [
      {
        where: relativeFile(resolve(dir)),
        kind: 'security-policy',
        score: 0,
        problems: scoreSecurityPolicy(null).problems,
      },
    ];
  return found.map((f) => {
    const s = scoreSecurityPolicy(f.text);
    return { where: f.path, kind: 'security-policy', score: s.score, problems: s.problems };
  });
}

/** The body of a fetch, at most `max` bytes (E_REMOTE past that). */
async function boundedText(res: Response, url: string, max: number): Promise<string> {
  const reader = res.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw new NswgError('E_REMOTE', `${url} is larger than ${max} bytes: no security.txt is`, {
        field: 'URL',
      });
    }
    chunks.push(value);
  }
  return new TextDecoder('utf-8').decode(Buffer.concat(chunks));
}

/** GETs `url` with the command's timeout; null on 404, E_REMOTE when it fails otherwise. */
async function fetchText(
  url: string,
): Promise<{ text: string; url: string; contentType: string | null } | null> {
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      headers: { accept: 'text/plain' },
    });
  } catch (e) {
    const err = e as Error & { cause?: unknown };
    throw new NswgError('E_REMOTE', `cannot reach ${url}: ${err.cause ? String(err.cause) : err.message}`, {
      field: 'URL',
    });
  }
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  if (!res.ok) {
    await res.body?.cancel();
    throw new NswgError('E_REMOTE', `GET ${url} answered ${res.status}`, { field: 'URL' });
  }
  const text = await boundedText(res, url, MAX_SECURITY_TXT_BYTES);
  return { text, url: res.url || url, contentType: res.headers.get('content-type') };
}

/**
 * `nswg policy check URL`: the site's security.txt, at /.well-known/security.txt (or the legacy
 * /security.txt, which is a problem of its own), checked against RFC 9116.
 */
async function checkSite(target: string): Promise<Finding[]> {
  const base = new URL(target);
  const wellKnown = /\/security\.txt$/i.test(base.pathname)
    ? base.href
    : new URL('/.well-known/security.txt', base).href;
  let got = await fetchText(wellKnown);
  const problems: string[] = [];
  if (!got && wellKnown.endsWith('/.well-known/security.txt')) {
    got = await fetchText(new URL('/security.txt', base).href);
    if (got) problems.push('found at /security.txt only: RFC 9116 puts it at /.well-known/security.txt');
  }
  if (!got)
    return [{ where: wellKnown, kind: 'security.txt', problems: ['no security.txt: the site answered 404'] }];
  const check: SecurityTxtCheck = checkSecurityTxt(got.text, {
    now: new Date(),
    url: got.url,
    contentType: got.contentType,
  });
  for (const p of check.problems)
    problems.push(
      `${p.line !== undefined ? `line ${p.line}: ` : ''}${p.field ? `${p.field}: ` : ''}${p.message}`,
    );
  return [{ where: got.url, kind: 'security.txt', problems }];
}

/**
 * `nswg policy check DIR|URL`: a repository's SECURITY.md scored as OpenSSF Scorecard does, or a
 * site's security.txt checked against RFC 9116; every problem named. Exit code 1 when there are any.
 */
export async function policyCheck(target: string, opts: { format?: string }): Promise<void> {
  const findings = /^https?:\/\//i.test(target) ? await checkSite(target) : checkFolder(target);
  if (opts.format === 'json') writeStdout(`${JSON.stringify(findings, null, 2)}\n`);
  else
    for (const f of findings) {
      const verdict =
        f.kind === 'security-policy'
          ? `OpenSSF Scorecard Security-Policy ${f.score}/10`
          : f.problems.length
            ? 'does not follow RFC 9116'
            : 'follows RFC 9116';
      writeStdout(`${f.where}: ${verdict}\n${f.problems.map((p) => `  - ${p}\n`).join('')}`);
    }
  if (findings.some((f) => f.problems.length)) process.exitCode = 1;
}

/** Defines `nswg policy` and its subcommands. */
export function define(policy: Command): void {
  policy.description(
    "a package's SECURITY.md from the Working Group's template, and checks of SECURITY.md and security.txt",
  );
  policy
    .command('init')
    .description("write SECURITY.md from the Working Group's template, filled for a package")
    .argument('[dir]', 'the repository to write it to (default: the working folder)')
    .option('--package <name>', 'the npm package the policy is for (a scoped name too: @scope/name)')
    .option('--server <url>', 'the nswg server that runs the disclosure program (default: $NSWG_SERVER)')
    .option('--email <address>', 'an address that also takes reports (default: the report form only)')
    .addOption(new Option('--force', 'replace an existing SECURITY.md'))
    .action(runs(policyInit));
  policy
    .command('check')
    .description(
      `score a repository's security policy as OpenSSF Scorecard does (${SECURITY_POLICY_PATHS.slice(0, 3).join(', ')}, …), or check a site's security.txt against RFC 9116; exit code 1 when there are problems`,
    )
    .argument('<dir|url>', 'a repository folder, or a site (https://…)')
    .addOption(formatOption(['text', 'json']))
    .action(runs(policyCheck));
}
