// Bringing the advisory database up to date from the sources that publish OSV; used by the command
// line (`nswg db sync`) and the server (`--sync-from`), which must not use each other.

export { type SyncLayout, type SyncOptions, type SyncResult, syncAdvisories } from './osv-sync.js';
export { inPool, RemoteServer } from './remote.js';
