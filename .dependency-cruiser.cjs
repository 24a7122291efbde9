// The layer rule of DESIGN.md, checked on the compiled output (dist/): the domain folders import
// no shell folder, and the shells do not import each other (the CLI may start the server).
const domain = '^dist/(advisories|versions|scan|disclosure)/';
module.exports = {
  forbidden: [
    {
      name: 'domain-imports-no-shell',
      severity: 'error',
      comment: 'advisories, versions, scan and disclosure know nothing of SQL, HTTP or the terminal',
      from: { path: domain },
      to: { path: '^dist/(store|server|cli)/' },
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
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: { doNotFollow: { path: 'node_modules' }, exclude: { path: 'node_modules' } },
};
