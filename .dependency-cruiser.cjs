// The layer rule, checked on the compiled output (dist/) by `npm run layers` (and `npm test`). The
// design it enforces is the "Layers" section of the workplace's DESIGN.md (../shared/DESIGN.md; this
// repository has no design document of its own), so here it is in full:
// - The domain (advisories, versions, scan, disclosure) is pure TypeScript: it gets text and data and
//   returns data and decisions. It imports no shell folder (store, server, mail, cli, files) and no
//   module that reaches outside the process (IO below).
// - The shells depend on the domain, never the other way round. The store is no front end (it uses
//   neither the server nor the CLI), the server does not use the CLI (the CLI may start the server),
//   and files/, which reads files for the CLI and the store's seed, uses no other shell.
const domain = '^dist/(advisories|versions|scan|disclosure)/';

// What reaches outside the process, by what it reaches: files (fs), other processes (child_process,
// cluster, worker_threads), the network (net, tls, http, https, http2, dgram, dns), the terminal
// (tty, readline, repl, inspector), the machine (os) and databases (sqlite); and the packages the
// shells use for the same (SQL, HTTP, mail, logs, a browser). Modules that only compute stay
// allowed: path and url (text), crypto (the program's ids and tokens), zlib, and module
// (createRequire loads a package's code on first use, as import does, and reads no data).
const IO_CORE = [
  'fs',
  'fs/promises',
  'child_process',
  'cluster',
  'worker_threads',
  'net',
  'tls',
  'http',
  'https',
  'http2',
  'dgram',
  'dns',
  'dns/promises',
  'tty',
  'readline',
  'readline/promises',
  'repl',
  'inspector',
  'os',
  'sqlite',
];
const IO_PACKAGES = [
  'better-sqlite3',
  'pg',
  'kysely',
  'fastify',
  '@fastify/[^/]+',
  'nodemailer',
  'smtp-server',
  'pino',
  'undici',
  'playwright-core',
];
const io = [`^(node:)?(${IO_CORE.join('|')})$`, `(^|/)node_modules/(${IO_PACKAGES.join('|')})/`];

module.exports = {
  forbidden: [
    {
      name: 'domain-imports-no-shell',
      severity: 'error',
      comment: 'advisories, versions, scan and disclosure know nothing of SQL, HTTP, mail, files or the terminal',
      from: { path: domain },
      to: { path: '^dist/(store|server|mail|cli|files)/' },
    },
    {
      name: 'domain-does-no-io',
      severity: 'error',
      comment: 'the domain gets text and data: files/ (or another shell) reads and writes for it',
      from: { path: domain },
      // reachable: through a shared module too (util/data-dir reads the disk), not only directly
      to: { path: io, reachable: true },
    },
    {
      name: 'store-is-not-a-front-end',
      severity: 'error',
      from: { path: '^dist/store/' },
      to: { path: '^dist/(server|cli)/' },
    },
    {
      name: 'server-does-not-use-cli',
      severity: 'error',
      from: { path: '^dist/server/' },
      to: { path: '^dist/cli/' },
    },
    {
      name: 'files-uses-no-other-shell',
      severity: 'error',
      from: { path: '^dist/files/' },
      to: { path: '^dist/(store|server|mail|cli)/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  // node_modules is not followed, but its packages stay in the graph: the domain may not import the
  // shells' I/O packages either
  options: { doNotFollow: { path: 'node_modules' } },
};
