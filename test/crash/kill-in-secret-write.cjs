// Preloaded into `nswg` by secret-file.test.ts: the process is SIGKILLed the moment it begins
// writing a file with flag `wx` in NSWG_HOME (the made-on-first-use secret, or the file it is
// written to first): the file exists, nothing is in it yet, as a kill -9 at that instant leaves it.
const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');
const home = process.env.NSWG_HOME;
const writeFileSync = fs.writeFileSync;
fs.writeFileSync = function (file, data, options) {
  if (home && typeof file === 'string' && file.startsWith(home) && options?.flag === 'wx') {
    fs.closeSync(fs.openSync(file, 'wx', options.mode));
    process.kill(process.pid, 'SIGKILL');
  }
  return writeFileSync.apply(this, arguments);
};
syncBuiltinESMExports();
