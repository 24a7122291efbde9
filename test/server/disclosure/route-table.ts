import type { FastifyInstance } from 'fastify';

/** One route of the server's own route table. */
export interface RouteEntry {
  method: string;
  /** As registered, e.g. /api/reports/:id (alternative parameter names of one node joined by |). */
  path: string;
}

const LINE = /^((?:[│ ] {3})*)(?:├── |└── )(.*?)(?: \(([A-Z, ]+)\))?$/;

/**
 * Every route of an app, read from Fastify's own route table (`printRoutes()`): each line of the tree
 * is a path segment, indented 4 columns per level, with the methods of the route ending there.
 */
export function routeTable(app: FastifyInstance): RouteEntry[] {
  const out: RouteEntry[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes().split('\n')) {
    if (!line.trim()) continue;
    const m = LINE.exec(line);
    if (!m) throw new Error(`cannot read the route table line ${JSON.stringify(line)}`);
    const depth = (m[1] ?? '').length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    if (!m[3]) continue;
    const path = stack.join('');
    for (const method of m[3].split(',').map((x) => x.trim())) out.push({ method, path });
  }
  return out;
}
