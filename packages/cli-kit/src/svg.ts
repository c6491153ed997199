/**
 * Small helpers for the apps' reports: text escaped for SVG and HTML, numbers with two decimals, and a standalone
 * HTML page around a report's SVG.
 */

/** Text safe inside SVG or HTML elements and attribute values. */
export const escapeXml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

/** A coordinate with at most two decimals (a compact SVG). */
export const fmt = (x: number): string => (Math.round(x * 100) / 100).toString()

/** A standalone HTML page: a heading, a summary list, then `body` (HTML: tables, the report's SVG inline). */
export const htmlPage = (title: string, summary: ReadonlyArray<string>, body: ReadonlyArray<string>): string =>
  [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8"/>',
    '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
    `<title>${escapeXml(title)}</title>`,
    '<style>body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{padding:2px 10px;text-align:right}svg{max-width:100%;height:auto}</style>',
    '</head>',
    '<body>',
    `<h1>${escapeXml(title)}</h1>`,
    `<ul>${summary.map((s) => `<li>${escapeXml(s)}</li>`).join('')}</ul>`,
    ...body,
    '</body>',
    '</html>'
  ].join('\n')
