import type { Command } from 'commander';
import type { RegistryOverride } from '../disclosure/index.js';
import { NswgError } from '../errors.js';
import { runs } from './command-kit.js';
import { printJson } from './context.js';
import { type OperatorOptions, withOperatorOptions, withOperatorProgram } from './operator-program.js';
import { writeStdout } from './output.js';
import { operator } from './user-commands.js';

/** `nswg registry override set`'s own options. */
interface SetOptions extends OperatorOptions {
  versions?: string;
  missing?: boolean;
  downloads?: string;
}

const line = (o: RegistryOverride) =>
  `${o.name}  ${o.versions === null ? 'versions: the registry’s' : o.versions.length ? `versions: ${o.versions.join(', ')}` : 'no such package'}  ${o.monthlyDownloads === null ? 'downloads: the registry’s' : `downloads: ${o.monthlyDownloads} a month`}  (set ${o.setAt.slice(0, 10)} by ${o.setBy})`;

/** `nswg registry override set NAME [--versions a,b | --missing] [--downloads N]`. */
export async function overrideSet(name: string, opts: SetOptions): Promise<void> {
  if (opts.missing && opts.versions)
    throw new NswgError('E_USAGE', '--missing and --versions say opposite things: give one', {
      field: 'missing',
    });
  const versions = opts.missing
    ? []
    : opts.versions !== undefined
      ? opts.versions
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean)
      : undefined;
  let monthlyDownloads: number | undefined;
  if (opts.downloads !== undefined) {
    if (!/^\d{1,15}$/.test(opts.downloads.trim()))
      throw new NswgError('E_USAGE', '--downloads must be a whole number, 0 or more', { field: 'downloads' });
    monthlyDownloads = Number(opts.downloads.trim());
  }
  await withOperatorProgram(opts, 'nswg registry', async (program, origin) => {
    const o = await program.registry.setOverride(operator(), name, { versions, monthlyDownloads }, origin);
    if (opts.format === 'json') return printJson(o);
    writeStdout(`nswg: ${line(o)}\n`);
  });
}

/** `nswg registry override clear NAME`: the registry answers again. */
export async function overrideClear(name: string, opts: OperatorOptions): Promise<void> {
  await withOperatorProgram(opts, 'nswg registry', async (program, origin) => {
    await program.registry.clearOverride(operator(), name, origin);
    if (opts.format === 'json') return printJson({ cleared: name });
    writeStdout(`nswg: ${name} has no override any more: the registry answers\n`);
  });
}

/** `nswg registry override list`. */
export async function overrideList(opts: OperatorOptions): Promise<void> {
  await withOperatorProgram(opts, 'nswg registry', async (program, origin) => {
    const all = await program.registry.list(operator(), origin);
    if (opts.format === 'json') return printJson(all);
    writeStdout(all.length ? `${all.map(line).join('\n')}\n` : 'nswg: no override\n');
  });
}

/** Defines `nswg registry` and its subcommands. */
export function define(registry: Command): void {
  registry.description(
    "what the server says of npm packages when the registry cannot be asked (offline, or wrong): a package's versions, a package's or scope's monthly downloads",
  );
  const override = registry
    .command('override')
    .description("an admin's answer about a package or scope, used before the registry is asked");
  const withOptions = withOperatorOptions;
  withOptions(
    override
      .command('set')
      .description('set the versions and/or the monthly downloads of a package (or the downloads of a scope)')
      .argument('<name>', 'an npm package, or a scope (@scope)')
      .option('--versions <list>', 'the published versions, comma-separated')
      .option('--missing', 'there is no such package')
      .option('--downloads <n>', 'downloads last month'),
  ).action(runs(overrideSet));
  withOptions(
    override
      .command('clear')
      .description("forget a name's override")
      .argument('<name>', 'the package or scope'),
  ).action(runs(overrideClear));
  withOptions(override.command('list').description('every override')).action(runs(overrideList));
}
