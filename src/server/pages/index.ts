import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../deps.js';

/** Registers the web pages (being written). */
export async function pageRoutes(_app: FastifyInstance, _deps: AppDeps): Promise<void> {}
