// The "Security: Responsible Disclosure" badge, drawn in shields.io's "flat" shape so that it sits
// well among a README's other badges: two rectangles clipped to rounded corners under a light
// gradient, each text twice (a dark shadow one pixel down, then white). Widths come from the text:
// shields.io measures Verdana 11px, and so do we, with a table of its advance widths (below)
// rather than a font library: the texts are few and ASCII, and a table needs no font file.

/** Verdana's advance widths for ASCII 32 to 126, in font units (2048 to the em). */
const VERDANA: readonly number[] = [
  720,
  806,
  940,
  1716,
  1302,
  2204,
  1488,
  550,
  909,
  909,
  1302,
  1716,
  745,
  909,
  745,
  909, // space to /
  1302,
  1302,
  1302,
  1302,
  1302,
  1302,
  1302,
  1302,
  1302,
  1302, // 0 to 9
  909,
  909,
  1716,
  1716,
  1716,
  1117,
  2048, // : to @
  1401,
  1405,
  1430,
  1577,
  1294,
  1178,
  1587,
  1540,
  862,
  921,
  1425,
  1155,
  1744,
  1532,
  1632,
  1240,
  1632,
  1428,
  1405,
  1245,
  1499,
  1401,
  2015,
  1405,
  1243,
  1405, // A to Z
  909,
  909,
  909,
  1716,
  1302,
  1302, // [ to `
  1229,
  1270,
  1067,
  1270,
  1216,
  720,
  1270,
  1292,
  563,
  690,
  1188,
  563,
  1983,
  1292,
  1227,
  1270,
  1270,
  874,
  1060,
  807,
  1292,
  1188,
  1655,
  1188,
  1188,
  1058, // a to z
  1300,
  909,
  1300,
  1716, // { to ~
];
/** Anything else is taken as wide as an "M", so that the text is never cut. */
const WIDE = 1744;
const FONT_PX = 11;

/** The width of `text` in Verdana 11px, in pixels. */
export function textWidth(text: string): number {
  let units = 0;
  for (const ch of text) {
    const c = ch.codePointAt(0)!;
    units += c >= 32 && c <= 126 ? VERDANA[c - 32]! : WIDE;
  }
  return (units * FONT_PX) / 2048;
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
/** Escapes text for XML content and attribute values. */
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]!);

/** What the badge says and where it links to. */
export interface BadgeInput {
  label: string;
  message: string;
  /** The message's background. */
  color: string;
  /** The URL the badge links to (an `<a>` around it). */
  link: string;
  /** A longer description for assistive technology. */
  description: string;
}

/** Horizontal padding each side of a text, in pixels (shields.io's). */
const PAD = 5;

/** The badge as an SVG document. */
export function badgeSvg(b: BadgeInput): string {
  const labelText = Math.round(textWidth(b.label));
  const messageText = Math.round(textWidth(b.message));
  const left = labelText + 2 * PAD;
  const right = messageText + 2 * PAD;
  const width = left + right;
  // texts are drawn at ten times the size and scaled down, as shields.io does, for finer placement
  const text = (s: string, centre: number, length: number) =>
    `<text aria-hidden="true" x="${centre * 10}" y="150" fill="#010101" fill-opacity=".3" transform="scale(.1)" textLength="${length * 10}">${escapeXml(s)}</text>` +
    `<text x="${centre * 10}" y="140" transform="scale(.1)" fill="#fff" textLength="${length * 10}">${escapeXml(s)}</text>`;
  const title = escapeXml(`${b.label}: ${b.message}`);
  const link = escapeXml(b.link);
  return `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${width}" height="20" role="img" aria-label="${title}">
<title>${title}</title>
<desc>${escapeXml(b.description)}</desc>
<a target="_blank" href="${link}" xlink:href="${link}">
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${width}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${left}" height="20" fill="#555"/><rect x="${left}" width="${right}" height="20" fill="${escapeXml(b.color)}"/><rect width="${width}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" text-rendering="geometricPrecision" font-size="110">${text(b.label, left / 2, labelText)}${text(b.message, left + right / 2, messageText)}</g>
</a>
</svg>
`;
}
