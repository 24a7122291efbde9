// Preloaded into `nswg db import` by import-meta.test.ts: the process is SIGKILLed the moment it
// writes `last_import` to the database's meta table, as a kill -9 at that instant would.
const { StatementSync } = require('node:sqlite');
const run = StatementSync.prototype.run;
StatementSync.prototype.run = function (...params) {
  if (params.includes('last_import')) process.kill(process.pid, 'SIGKILL');
  return run.apply(this, params);
};
