import { Marked } from 'marked';
import sanitizeHtml from 'sanitize-html';
import { escapeHtml, raw, type SafeHtml } from './html.js';

/**
 * Advisory text is written by reporters and imported from other databases: it often quotes attack
 * payloads. Raw HTML in the Markdown is shown as text (so a quoted `<script>` reads as written and
 * never runs), and the rendered HTML then goes through a strict allow-list as a second wall (what
 * it does not allow, such as task-list checkboxes, is dropped).
 */
const markdown = new Marked({
  async: false,
  gfm: true,
  breaks: false,
  renderer: {
    html: ({ text, block }) => (block ? `<pre><code>${escapeHtml(text)}</code></pre>\n` : escapeHtml(text)),
    // Images would load from anywhere (the CSP blocks them anyway): link to them instead.
    image: ({ href, text }) => `<a href="${escapeHtml(href)}">${escapeHtml(text || href)}</a>`,
  },
});

/** Page headings are h1 (title) and h2 (sections): Markdown headings start below them. */
const demote = (level: number) => () => ({ tagName: `h${Math.min(6, level + 2)}`, attribs: {} });

const POLICY: sanitizeHtml.IOptions = {
  allowedTags: [
    'p',
    'br',
    'hr',
    'h3',
    'h4',
    'h5',
    'h6',
    'em',
    'strong',
    'del',
    'code',
    'pre',
    'blockquote',
    'ul',
    'ol',
    'li',
    'a',
    'table',
    'thead',
    'tbody',
    'tr',
    'th',
    'td',
  ],
  allowedAttributes: {
    a: ['href', 'rel'],
    ol: ['start'],
    th: [{ name: 'align', multiple: false, values: ['left', 'center', 'right'] }],
    td: [{ name: 'align', multiple: false, values: ['left', 'center', 'right'] }],
  },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesAppliedToAttributes: ['href'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  transformTags: {
    h1: demote(1),
    h2: demote(2),
    h3: demote(3),
    h4: demote(4),
    a: (tagName, attribs) => {
      const out: sanitizeHtml.Attributes = { rel: 'nofollow noopener' };
      if (attribs.href) out.href = attribs.href;
      return { tagName, attribs: out };
    },
  },
};

/** Advisory Markdown as safe HTML: marked, raw HTML shown as text, then sanitize-html's allow-list. */
export function renderMarkdown(text: string | null | undefined): SafeHtml {
  if (!text) return raw('');
  const rendered = markdown.parse(text, { async: false });
  return raw(sanitizeHtml(rendered, POLICY));
}
