/**
 * The command a command line names (`nswg help <command>` names it too), or null: its first word
 * that is not an option (no option of the program itself takes a value). main.ts defines that
 * command in full; the executable (launch.ts) picks the bundle that holds it.
 */
export function commandNamed(argv: readonly string[]): string | null {
  const args = argv.slice(2).filter((a) => !a.startsWith('-'));
  return args[0] === 'help' ? (args[1] ?? null) : (args[0] ?? null);
}
