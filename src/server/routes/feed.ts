import type { FastifyInstance } from 'fastify';
import type { Advisory } from '../../advisories/index.js';
import type { AppDeps } from '../deps.js';
import type { AdvisoryLookup } from './lookup.js';

/** Entries in the feed: the newest publications. */
export const FEED_SIZE = 50;

/**
 * Text for XML: the five special characters escaped, and the characters XML 1.0 forbids (most
 * control characters, lone surrogates, U+FFFE/U+FFFF) replaced, so that any advisory text gives
 * a well-formed feed.
 */
export function xmlText(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(
      /[&<>"']/g,
      (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
    );
}

/** The Atom document of the newest advisories. */
export function atomFeed(list: readonly Advisory[], publicUrl: string, now: Date): string {
  const page = (id: string) => `${publicUrl}/advisories/${encodeURIComponent(id)}`;
  // the newest modification among the entries (ISO 8601 UTC texts sort by time)
  const updated =
    list
      .map((a) => a.modified)
      .sort()
      .at(-1) ?? now.toISOString();
  const entries = list.map((a) => {
    const packages = [...new Set(a.affected.map((x) => (x.ecosystem === 'node' ? 'Node.js' : x.name)))].join(
      ', ',
    );
    const summary = [
      packages && `Affects ${packages}.`,
      a.aliases.length ? `Also known as ${a.aliases.join(', ')}.` : '',
      a.details ?? '',
    ]
      .filter(Boolean)
      .join(' ');
    return [
      '  <entry>',
      `    <id>${xmlText(page(a.id))}</id>`,
      `    <title>${xmlText(`${a.id}: ${a.title ?? 'untitled advisory'}`)}</title>`,
      `    <link rel="alternate" type="text/html" href="${xmlText(page(a.id))}"/>`,
      `    <published>${xmlText(a.published ?? a.modified)}</published>`,
      `    <updated>${xmlText(a.modified)}</updated>`,
      ...a.affected.map(
        (x) => `    <category term="${xmlText(x.ecosystem === 'node' ? 'node' : `npm:${x.name}`)}"/>`,
      ),
      `    <summary type="text">${xmlText(summary.length > 2000 ? `${summary.slice(0, 1999)}…` : summary)}</summary>`,
      '  </entry>',
    ].join('\n');
  });
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `  <id>${xmlText(`${publicUrl}/feed.atom`)}</id>`,
    '  <title>Node.js Security Working Group advisories</title>',
    '  <subtitle>Newly published security advisories for npm packages and Node.js</subtitle>',
    `  <link rel="self" type="application/atom+xml" href="${xmlText(`${publicUrl}/feed.atom`)}"/>`,
    `  <link rel="alternate" type="text/html" href="${xmlText(`${publicUrl}/`)}"/>`,
    `  <updated>${xmlText(updated)}</updated>`,
    '  <author><name>Node.js Security Working Group</name></author>',
    ...entries,
    '</feed>',
    '',
  ].join('\n');
}

/** `GET /feed.atom`: the newest published advisories as an Atom feed. */
export async function feedRoutes(app: FastifyInstance, deps: AppDeps, lookup: AdvisoryLookup): Promise<void> {
  app.get(
    '/feed.atom',
    {
      schema: {
        summary: 'Newly published advisories (Atom)',
        description: `The ${FEED_SIZE} most recently published advisories, newest first.`,
        tags: ['export'],
      },
    },
    async (_req, reply) => {
      await lookup.refresh();
      const xml = await lookup.memo('feed', async () => {
        const rows = await lookup.store.recentlyPublished(FEED_SIZE);
        return atomFeed(
          rows.map((r) => JSON.parse(r.record) as Advisory),
          deps.config.publicUrl,
          deps.clock.now(),
        );
      });
      return reply
        .type('application/atom+xml; charset=utf-8')
        .header('cache-control', 'public, max-age=300')
        .send(xml);
    },
  );
}
