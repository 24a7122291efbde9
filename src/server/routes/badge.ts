import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { packageNameProblem, policyLinks } from '../../disclosure/index.js';
import type { AppDeps } from '../deps.js';
import { badgeSvg } from '../pages/badge-svg.js';
import { ErrorSchema } from './schemas.js';

/** `<name>.svg`. */
const FILE = /^(.+)\.svg$/;

const problem = (reply: FastifyReply, statusCode: 400 | 404, message: string) =>
  reply
    .code(statusCode)
    .header('cache-control', 'no-cache')
    .type('application/json; charset=utf-8')
    .send({
      statusCode,
      code: statusCode === 404 ? 'E_NOT_FOUND' : 'E_REQUEST_INVALID',
      error: statusCode === 404 ? 'Not Found' : 'Bad Request',
      message,
    });

/**
 * The badge of a package that takes part in the program: GET /badge/{name}.svg and
 * /badge/@{scope}/{name}.svg, linking to the package's policy page. Any npm name has one: the
 * program takes reports about every package.
 */
export async function badgeRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  const handler = async (scope: string | null, file: string, reply: FastifyReply) => {
    const m = FILE.exec(file);
    if (!m) return problem(reply, 404, 'a badge is /badge/{package}.svg');
    if (scope !== null && !scope.startsWith('@'))
      return problem(reply, 404, 'a scoped badge is /badge/@{scope}/{name}.svg');
    const name = scope === null ? m[1]! : `${scope}/${m[1]}`;
    const why = packageNameProblem(name);
    if (why) return problem(reply, 400, `not an npm package name: ${why}`);
    const links = policyLinks(deps.config.publicUrl, name);
    return reply
      .type('image/svg+xml; charset=utf-8')
      .header('cache-control', 'public, max-age=86400')
      .send(
        badgeSvg({
          label: 'Security',
          message: 'Responsible Disclosure',
          color: '#4c1',
          link: links.policyPage,
          description: `${name} takes part in the Node.js Security Working Group's responsible disclosure program`,
        }),
      );
  };
  const schema = (scoped: boolean) => ({
    summary: scoped ? "A scoped package's security badge, as SVG" : "A package's security badge, as SVG",
    description:
      'The "Security: Responsible Disclosure" badge (shields.io\'s flat shape), linking to the package\'s policy page (/policy/{package}).',
    tags: ['disclosure'],
    params: scoped
      ? Type.Object({
          scope: Type.String({ description: 'the scope, with its @: @babel' }),
          file: Type.String({ description: 'the name and .svg: core.svg' }),
        })
      : Type.Object({ file: Type.String({ description: 'the package name and .svg: left-pad.svg' }) }),
    response: { 400: ErrorSchema, 404: ErrorSchema },
  });
  app.get<{ Params: { file: string } }>('/badge/:file', { schema: schema(false) }, async (req, reply) =>
    handler(null, req.params.file, reply),
  );
  app.get<{ Params: { scope: string; file: string } }>(
    '/badge/:scope/:file',
    { schema: schema(true) },
    async (req, reply) => handler(req.params.scope, req.params.file, reply),
  );
}
