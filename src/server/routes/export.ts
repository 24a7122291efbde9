import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.js';

/** Registers this route family (being written). */
export async function exportRoutes(_app: FastifyInstance, _deps: AppDeps): Promise<void> {}
