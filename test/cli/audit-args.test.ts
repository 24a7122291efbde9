import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { define, PLAIN_OPTIONS, readPlainArgs } from '../../src/cli/audit-command.js';

// `nswg audit` reads a plain command line itself, without commander (src/cli/audit-command.ts,
// readPlainArgs): it must read each exactly as commander does, and leave every other to it.

/** The command as main.ts defines it, with an action that keeps what commander read instead of auditing. */
async function commanderReads(
  args: string[],
): Promise<{ paths: string[]; opts: Record<string, unknown> } | Error> {
  const program = new Command('nswg')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: () => {} });
  const audit = program.command('audit');
  define(audit);
  let read: { paths: string[]; opts: Record<string, unknown> } | undefined;
  audit.exitOverride().action((paths: string[], opts: Record<string, unknown>) => {
    read = { paths, opts: { ...opts } };
  });
  try {
    await program.parseAsync(['node', 'nswg', 'audit', ...args]);
  } catch (e) {
    return e as Error;
  }
  return read ?? new Error('no action');
}

const PLAIN: string[][] = [
  [],
  ['.'],
  ['packages/a', 'packages/b'],
  ['--format', 'json'],
  ['--format=json', 'x'],
  ['x', '--format', 'sarif', 'y'],
  ['--format', 'json', '--format', 'text'],
  ['--audit-level', 'high'],
  ['--audit-level=critical', '.'],
  ['--omit', 'dev'],
  ['--omit', 'dev', 'optional'],
  ['--omit', 'dev', '--omit', 'peer'],
  ['--omit=dev', 'x'],
  ['--omit', 'dev', 'x', '--format', 'json'],
  ['--omit=dev', '--omit', 'peer', 'optional', '--no-node'],
  ['--no-node'],
  ['--no-color', '--no-node', 'dir'],
  ['--db', '/tmp/x.db'],
  ['--db=postgres://u@h/db?host=/run/postgresql'],
  ['--server', 'http://localhost:1', '.'],
  ['--node-version', '18.0.0', '--platform', 'linux'],
  ['--ignore-file', 'f.json', '--output', 'o.txt', 'a dir with spaces', 'ünïcode'],
  ['--platform=win32', '--node-version=v20.1.0'],
];

// what commander reads differently, refuses, or answers with help: left to it
const NOT_PLAIN: string[][] = [
  ['--help'],
  ['-h'],
  ['--version'],
  ['--format', 'xml'],
  ['--format'],
  ['--format='],
  ['--format', '--no-node'],
  ['--bogus'],
  ['--', '--format'],
  ['-'],
  [''],
  ['x', ''],
  ['--db', '-x.db'],
  ['--no-node=1'],
  ['--omit'],
  ['--omit', 'dev', '-'],
  ['--omit', 'dev', ''],
  ['--audit-level', 'severe'],
  ['-1'],
  ['--Format', 'json'],
];

describe('nswg audit: plain command lines, read without commander', () => {
  it('reads each option as commander does: its name, its value, its kind, its choices and its default', () => {
    const c = new Command('audit');
    define(c);
    const options = c.options.map((o) => ({
      name: o.long!.slice(2),
      key: o.attributeName(),
      kind: o.negate ? 'negated' : o.variadic ? 'list' : o.required ? 'value' : 'flag',
      choices: o.argChoices,
      fallback: o.negate ? undefined : o.defaultValue,
    }));
    expect(
      PLAIN_OPTIONS.map((o) => ({
        name: o.name,
        key: o.key,
        kind: o.kind,
        choices: o.choices,
        fallback: o.fallback,
      })),
    ).toEqual(options);
    expect(options.map((o) => o.name)).toContain('omit');
  });

  it.each(PLAIN)('reads %j as commander does', async (...args) => {
    const plain = readPlainArgs(args);
    const read = await commanderReads(args);
    expect(read).not.toBeInstanceOf(Error);
    expect(plain).not.toBeNull();
    expect(plain).toEqual(read);
  });

  it.each(NOT_PLAIN)('leaves %j to commander', async (...args) => {
    expect(readPlainArgs(args)).toBeNull();
  });

  it('leaves to commander every line it reads differently (a sample of mixed lines)', async () => {
    // every combination of a few words: where the direct reading answers, it is commander's
    const words = ['x', '--format', 'json', '--omit', 'dev', '--no-node', '-', '--db', '=', ''];
    let answered = 0;
    for (const a of words)
      for (const b of words)
        for (const c of words) {
          const args = [a, b, c];
          const plain = readPlainArgs(args);
          if (!plain) continue;
          answered++;
          expect(plain, JSON.stringify(args)).toEqual(await commanderReads(args));
        }
    expect(answered).toBeGreaterThan(50);
  });
});
