/** The install names of a location: `node_modules/a/node_modules/@s/b` → ["a", "@s/b"]. */
export function chainOf(location: string): string[] {
  return location.split(/(?:^|\/)node_modules\//).filter((s) => s !== '');
}

/** The install name of a location: `node_modules/a/node_modules/@s/b` → "@s/b". */
export function lastName(location: string): string {
  const i = location.lastIndexOf('node_modules/');
  return location.slice(i + 'node_modules/'.length);
}

/** Node's module resolution over lockfile locations: the nearest `node_modules/<name>` up from `from`. */
export function resolveLoc(from: string, name: string, has: (loc: string) => boolean): string | undefined {
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${name}` : `node_modules/${name}`;
    if (has(candidate)) return candidate;
    if (base === '') return undefined;
    const i = base.lastIndexOf('/node_modules/');
    base = i === -1 ? '' : base.slice(0, i);
  }
}
