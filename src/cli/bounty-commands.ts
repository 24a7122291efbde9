import type { Command } from 'commander';
import { type BountyModule, centsOf, dollars, moduleEligible } from '../disclosure/index.js';
import { runs } from './command-kit.js';
import { printJson } from './context.js';
import { type OperatorOptions, withOperatorOptions, withOperatorProgram } from './operator-program.js';
import { writeStdout } from './output.js';
import { operator } from './user-commands.js';

/** `nswg bounty module add`'s own options. */
interface ModuleOptions extends OperatorOptions {
  section?: string;
  approvedBy?: string;
  approvedOn?: string;
}

const line = (m: BountyModule) =>
  `${m.name}  ${m.section}  ${m.downloads === null ? 'not counted' : `${m.downloads} a month (${m.downloadsAsOf}, ${m.downloadsSource})`}  ${moduleEligible(m) ? 'eligible' : 'not eligible'}  approved by ${m.approvedBy} on ${m.approvedOn}`;

/** `nswg bounty module add NAME --approved-by WHO [--section S] [--approved-on DATE]`. */
export async function moduleAdd(name: string, opts: ModuleOptions): Promise<void> {
  await withOperatorProgram(opts, 'nswg bounty', async (program, origin) => {
    const m = await program.bounty.addModule(
      operator(),
      {
        name,
        section: opts.section ?? 'confirmed',
        approvedBy: opts.approvedBy ?? '',
        approvedOn: opts.approvedOn ?? new Date().toISOString().slice(0, 10),
      },
      origin,
    );
    if (opts.format === 'json') return printJson(m);
    writeStdout(`nswg: ${line(m)}\n`);
  });
}

/** `nswg bounty module list`: every module, the reward table, the total paid. */
export async function moduleList(opts: OperatorOptions): Promise<void> {
  await withOperatorProgram(opts, 'nswg bounty', async (program) => {
    const o = await program.bounty.overview();
    if (opts.format === 'json') return printJson(o);
    writeStdout(o.modules.length ? `${o.modules.map(line).join('\n')}\n` : 'nswg: no module in the bounty\n');
    writeStdout(
      `rewards: ${Object.entries(o.table)
        .filter(([, c]) => c > 0)
        .map(([s, c]) => `${s} ${dollars(c)}`)
        .join(', ')}; paid so far ${dollars(o.paid)}\n`,
    );
  });
}

/** `nswg bounty module remove NAME`. */
export async function moduleRemove(name: string, opts: OperatorOptions): Promise<void> {
  await withOperatorProgram(opts, 'nswg bounty', async (program, origin) => {
    await program.bounty.removeModule(operator(), name, origin);
    if (opts.format === 'json') return printJson({ removed: name });
    writeStdout(`nswg: ${name} is out of the bounty\n`);
  });
}

/** `nswg bounty deposit AMOUNT --reason WHY`: dollars into the budget; waiting rewards are funded. */
export async function deposit(amount: string, opts: OperatorOptions & { reason?: string }): Promise<void> {
  await withOperatorProgram(opts, 'nswg bounty', async (program, origin) => {
    const got = await program.bounty.deposit(operator(), centsOf(amount), opts.reason ?? '', origin);
    if (opts.format === 'json') return printJson(got);
    writeStdout(
      `nswg: deposited ${dollars(got.entry.amount)}; the balance is ${dollars(got.entry.balance)}${got.funded.length ? `; ${got.funded.length} waiting reward(s) funded` : ''}\n`,
    );
  });
}

/** `nswg bounty ledger`: every movement of the budget, and the figures. */
export async function ledger(opts: OperatorOptions): Promise<void> {
  await withOperatorProgram(opts, 'nswg bounty', async (program, origin) => {
    const l = await program.bounty.ledger(operator(), origin);
    if (opts.format === 'json') return printJson(l);
    for (const e of l.entries)
      writeStdout(
        `${e.seq}  ${e.at.slice(0, 10)}  ${e.kind}  ${e.amount < 0 ? '-' : ''}${dollars(Math.abs(e.amount))}  balance ${dollars(e.balance)}  ${e.reason}\n`,
      );
    const f = l.figures;
    writeStdout(
      `available ${dollars(f.balance)}, reserved ${dollars(f.reserved)}, waiting ${dollars(f.waiting)}, paid ${dollars(f.paid)}\n`,
    );
  });
}

/** Defines `nswg bounty` and its subcommands. */
export function define(bounty: Command): void {
  bounty.description('the bug bounty: eligible modules, the budget and its ledger');
  const withOptions = withOperatorOptions;
  const module = bounty.command('module').description('the eligible modules (packages or scopes)');
  withOptions(
    module
      .command('add')
      .description("add a module with its maintainer's approval")
      .argument('<name>', 'an npm package, or a scope (@scope)')
      .requiredOption('--approved-by <who>', 'the maintainer who approved')
      .option('--approved-on <date>', 'the date of the approval (YYYY-MM-DD; default today)')
      .option('--section <section>', 'confirmed or work-in-progress', 'confirmed'),
  ).action(runs(moduleAdd));
  withOptions(module.command('list').description('every module, the reward table, the total paid')).action(
    runs(moduleList),
  );
  withOptions(
    module.command('remove').description('take a module out of the bounty').argument('<name>', 'the module'),
  ).action(runs(moduleRemove));
  withOptions(
    bounty
      .command('deposit')
      .description('add money to the budget (rewards waiting for budget are funded)')
      .argument('<dollars>', 'the amount, e.g. 1000 or 250.50')
      .requiredOption('--reason <why>', 'where the money comes from (10 to 500 characters)'),
  ).action(runs(deposit));
  withOptions(bounty.command('ledger').description('every movement of the budget, and the figures')).action(
    runs(ledger),
  );
}
