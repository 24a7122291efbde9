// npm's rules for a package name, as the registry applies them to names it still resolves: names
// published before the rules tightened (JSONStream, with capitals) are kept, so the badge and the
// policy page serve them too; a name npm would refuse for any package is refused here.

/** The longest name npm takes. */
export const MAX_PACKAGE_NAME = 214;

/** Names npm reserves. */
const RESERVED = new Set(['node_modules', 'favicon.ico']);

/** What is wrong with one part (the scope without its @, or the name) of a package name; null: nothing. */
function partProblem(part: string, what: string): string | null {
  if (!part) return `${what} is empty`;
  if (part.startsWith('.') || part.startsWith('_')) return `${what} cannot start with "." or "_"`;
  // npm's test: the part needs no escaping in a URL (letters, digits and -._~'!()*)
  if (encodeURIComponent(part) !== part)
    return `${what} can only hold URL-safe characters (letters, digits, - . _ ~ ' ! ( ) *)`;
  return null;
}

/** Why `name` is not an npm package name (scoped names, `@scope/name`, included); null when it is one. */
export function packageNameProblem(name: string): string | null {
  if (!name) return 'the package name is empty';
  if (name.length > MAX_PACKAGE_NAME) return `a package name has at most ${MAX_PACKAGE_NAME} characters`;
  if (name.trim() !== name) return 'a package name cannot start or end with a space';
  if (RESERVED.has(name.toLowerCase())) return `${name} is a name npm reserves`;
  const scoped = /^@([^/]*)\/([^/]*)$/.exec(name);
  if (scoped) return partProblem(scoped[1]!, 'the scope') ?? partProblem(scoped[2]!, 'the name');
  if (name.includes('/')) return 'a "/" is only allowed after a scope: @scope/name';
  return partProblem(name, 'the name');
}

/** True when `name` is an npm package name. */
export const isPackageName = (name: string): boolean => packageNameProblem(name) === null;

/**
 * A package name as a URL path (`@scope/name` keeps its @ and /): each part percent-encoded, the
 * characters URLs allow but Markdown links and HTML attributes trip on ('()*!~) included.
 */
export function packagePath(name: string): string {
  return name
    .split('/')
    .map((p) =>
      encodeURIComponent(p).replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
    )
    .join('/')
    .replace(/^%40/, '@');
}
