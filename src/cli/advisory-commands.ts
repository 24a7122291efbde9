import type { Command } from 'commander';
import pc from 'picocolors';
import { type Advisory, severityOf, toNswgCore, toNswgNpm, toOsv } from '../advisories/index.js';
import { NswgError } from '../errors.js';
import { dbOption, formatOption, runs } from './command-kit.js';
import { type DbOption, printJson, withDb } from './context.js';

const SEVERITY_COLOR = {
  critical: (s: string) => pc.bold(pc.red(s)),
  high: pc.red,
  moderate: pc.yellow,
  low: pc.cyan,
  info: pc.dim,
} as const;

/** The severity word, coloured on a terminal. */
export function coloredSeverity(a: Advisory): string {
  const s = severityOf(a);
  return SEVERITY_COLOR[s](s);
}

function render(a: Advisory): string {
  const lines = [
    `${pc.bold(a.id)}  ${coloredSeverity(a)}${a.aliases.length ? `  ${a.aliases.join(', ')}` : ''}`,
    pc.bold(a.title ?? '(no title)'),
  ];
  for (const af of a.affected) {
    lines.push(`${af.ecosystem === 'node' ? 'Node.js' : 'package'}     ${af.name}`);
    lines.push(`vulnerable  ${af.vulnerable}`);
    lines.push(`patched     ${af.patched ?? 'no fixed version yet'}`);
    if (af.platforms.length && !(af.platforms.length === 1 && af.platforms[0] === 'all')) {
      lines.push(`platforms   ${af.platforms.join(', ')}`);
    }
  }
  if (a.cvss?.vector || a.cvss?.score)
    lines.push(`cvss        ${a.cvss.score ?? '-'} ${a.cvss.vector ?? ''}`.trimEnd());
  if (a.weaknesses.length)
    lines.push(`cwe         ${a.weaknesses.map((w) => (w.name ? `${w.id} ${w.name}` : w.id)).join(', ')}`);
  if (a.published) lines.push(`published   ${a.published.slice(0, 10)}`);
  lines.push(`modified    ${a.modified.slice(0, 10)}`);
  if (a.withdrawn) lines.push(pc.red(`withdrawn   ${a.withdrawn.slice(0, 10)}`));
  if (a.credits.length) lines.push(`credit      ${a.credits.map((c) => c.name).join(', ')}`);
  if (a.details) lines.push('', a.details.trim());
  if (a.recommendation) lines.push('', `${pc.bold('Recommendation:')} ${a.recommendation}`);
  if (a.references.length) lines.push('', ...a.references.map((r) => `  ${r.url}`));
  return `${lines.join('\n')}\n`;
}

/** `nswg advisory show <id|CVE>`. */
export async function advisoryShow(
  id: string,
  opts: DbOption & { format?: 'text' | 'json' | 'osv' | 'nswg' },
): Promise<void> {
  await withDb(opts, 'read', async (store) => {
    const a = await store.advisories.get(id.trim());
    if (!a)
      throw new NswgError('E_NOT_FOUND', `no advisory has the id or alias ${JSON.stringify(id)}`, {
        field: 'id',
      });
    switch (opts.format ?? 'text') {
      case 'json':
        return printJson(a);
      case 'osv':
        return printJson(toOsv(a));
      case 'nswg':
        return printJson(a.kind === 'npm' ? toNswgNpm(a) : toNswgCore(a, { withId: false }));
      case 'text':
        process.stdout.write(render(a));
        return;
    }
  });
}

/** `nswg advisory search <text> [--package name]`. */
export async function advisorySearch(
  text: string,
  opts: DbOption & { package?: string; limit?: string; format?: string },
): Promise<void> {
  const limit = opts.limit !== undefined ? Number(opts.limit) : 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 10000) {
    throw new NswgError(
      'E_USAGE',
      `--limit must be a whole number from 1 to 10000, not ${JSON.stringify(opts.limit)}`,
      { field: '--limit' },
    );
  }
  await withDb(opts, 'read', async (store) => {
    const found = await store.advisories.search(text, {
      ...(opts.package ? { package: opts.package } : {}),
      limit,
    });
    if (opts.format === 'json') {
      return printJson(
        found.map((a) => ({
          id: a.id,
          aliases: a.aliases,
          severity: severityOf(a),
          title: a.title,
          packages: a.affected.map((x) => x.name),
          vulnerable: a.affected.map((x) => x.vulnerable),
          modified: a.modified,
        })),
      );
    }
    if (!found.length) {
      process.stdout.write('no advisories found\n');
      return;
    }
    for (const a of found) {
      const pkgs = a.affected.map((x) => `${x.name} ${x.vulnerable}`).join('; ');
      process.stdout.write(
        `${pc.bold(a.id.padEnd(14))} ${coloredSeverity(a).padEnd(8)} ${pkgs}\n${' '.repeat(15)}${a.title ?? ''}\n`,
      );
    }
    process.stdout.write(
      `${found.length} advisor${found.length === 1 ? 'y' : 'ies'}${found.length === limit ? ` (first ${limit}; use --limit)` : ''}\n`,
    );
  });
}

/** Defines `nswg advisory` and its subcommands. */
export function define(advisory: Command): void {
  advisory.description('look advisories up');
  advisory
    .command('show')
    .description('one advisory, by id (NSWG-ECO-1, GHSA-…) or CVE')
    .argument('<id>', 'advisory id or CVE id')
    .addOption(
      formatOption(['text', 'json', 'osv', 'nswg'], 'text', 'text, json (the internal record), osv or nswg'),
    )
    .addOption(dbOption())
    .action(runs(advisoryShow));
  advisory
    .command('search')
    .description('advisories whose id, CVE, package, title or text contains the words')
    .argument('<text>', 'text to look for (empty string: everything)')
    .option('--package <name>', 'only advisories for this npm package')
    .option('--limit <n>', 'at most this many results', '50')
    .addOption(formatOption(['text', 'json']))
    .addOption(dbOption())
    .action(runs(advisorySearch));
}
