import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from './helpers/shared.js';

/** The CLI tests run the built command, as users do: build it once before the suite. */
export default function setup(): void {
  if (process.env.NSWG_SKIP_BUILD) return;
  execFileSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'bundle.mjs')], { cwd: ROOT, stdio: 'inherit' });
}
