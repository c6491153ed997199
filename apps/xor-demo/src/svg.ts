/**
 * --report: the loss curve and the decision boundary over [0, 1]² with the four points, as a standalone SVG
 * or an HTML page that embeds it. Pure string building; main.ts writes the file atomically.
 */
import * as M from '@puregrad/tensor/Matrix'
import type { Outcome } from './run.js'
import { INPUTS, TARGETS, predictOver } from './run.js'

import { escapeXml as escape, fmt, htmlPage } from '@puregrad/cli-kit/svg'

/** Blue (0) to white (0.5) to red (1): the colour of an output. */
const colour = (p: number): string => {
  const t = Math.min(1, Math.max(0, p))
  const mix = (a: number, b: number, s: number) => Math.round(a + (b - a) * s)
  return t < 0.5
    ? `rgb(${mix(49, 255, t * 2)},${mix(104, 255, t * 2)},${mix(199, 255, t * 2)})`
    : `rgb(${mix(255, 214, (t - 0.5) * 2)},${mix(255, 62, (t - 0.5) * 2)},${mix(255, 62, (t - 0.5) * 2)})`
}

const PANEL = 260
const PAD = 40

/** The loss curve (log₁₀ scale) as a polyline in a PANEL-high box, `width` wide, over `steps` steps. */
const lossPanel = (losses: ReadonlyArray<number>, steps: number, width: number): string => {
  const logs = losses.map((l) => Math.log10(Math.max(l, 1e-12)))
  // reduce, not Math.min(...logs): a spread of millions of steps would overflow the call stack.
  const lo = Math.floor(logs.reduce((a, b) => Math.min(a, b), Infinity))
  const hi = Math.max(lo + 1, Math.ceil(logs.reduce((a, b) => Math.max(a, b), -Infinity)))
  const x = (i: number) => PAD + (logs.length <= 1 ? 0 : (i / (logs.length - 1)) * (width - PAD - 10))
  const y = (v: number) => 10 + ((hi - v) / (hi - lo)) * (PANEL - 40)
  const step = Math.max(1, Math.floor(logs.length / 800)) // at most ~800 points: the curve stays light
  const points = logs.flatMap((v, i) => (i % step === 0 || i === logs.length - 1 ? [`${fmt(x(i))},${fmt(y(v))}`] : [])).join(' ')
  const ticks = Array.from({ length: hi - lo + 1 }, (_, k) => lo + k)
    .map((v) => `<text x="${PAD - 6}" y="${fmt(y(v) + 4)}" text-anchor="end">1e${v}</text>`)
    .join('')
  return [
    `<g id="loss-panel">`,
    `<text x="${PAD}" y="8" font-weight="bold">loss (log scale) over ${steps} steps</text>`,
    `<line x1="${PAD}" y1="10" x2="${PAD}" y2="${PANEL - 30}" stroke="#888"/>`,
    `<line x1="${PAD}" y1="${PANEL - 30}" x2="${width - 10}" y2="${PANEL - 30}" stroke="#888"/>`,
    ticks,
    `<text x="${width - 10}" y="${PANEL - 14}" text-anchor="end">step ${steps}</text>`,
    logs.length > 0 ? `<polyline id="loss-curve" fill="none" stroke="#c0392b" stroke-width="1.5" points="${points}"/>` : '',
    `</g>`
  ].join('')
}

/** The network's output over [0, 1]² as a grid of cells, with the four XOR points drawn on top. */
const boundaryPanel = (outcome: Outcome, offsetX: number, cells = 40): string => {
  const size = PANEL - 40
  const grid = M.makeBy(2, cells * cells, (i, k) => (i === 0 ? ((k % cells) + 0.5) / cells : 1 - (Math.floor(k / cells) + 0.5) / cells))
  const out = predictOver(outcome.spec, outcome.params, grid)
  const cell = size / cells
  const rects: Array<string> = []
  for (let k = 0; k < cells * cells; k++) {
    const c = k % cells, r = Math.floor(k / cells)
    rects.push(`<rect x="${fmt(c * cell)}" y="${fmt(r * cell)}" width="${fmt(cell + 0.3)}" height="${fmt(cell + 0.3)}" fill="${colour(out[k]!)}"/>`)
  }
  const points = INPUTS.map(([a, b], i) => {
    const cx = a * size, cy = (1 - b) * size
    const target = TARGETS[i]!
    return (
      `<circle class="point" data-input="${a},${b}" data-target="${target}" data-output="${outcome.outputs[i]!.toFixed(4)}" ` +
      `cx="${fmt(cx)}" cy="${fmt(cy)}" r="7" fill="${target === 1 ? '#d63e3e' : '#3168c7'}" stroke="#000" stroke-width="1.5"/>` +
      `<text x="${fmt(cx + (a === 0 ? 10 : -10))}" y="${fmt(cy + (b === 0 ? -8 : 16))}" text-anchor="${a === 0 ? 'start' : 'end'}">` +
      `(${a},${b}) → ${outcome.outputs[i]!.toFixed(3)}</text>`
    )
  }).join('')
  return [
    `<g id="boundary-panel" transform="translate(${offsetX},0)">`,
    `<text x="0" y="8" font-weight="bold">output over [0, 1]² (blue 0, red 1)</text>`,
    `<g transform="translate(0,14)">`,
    `<g id="decision-boundary">${rects.join('')}</g>`,
    `<rect x="0" y="0" width="${size}" height="${size}" fill="none" stroke="#444"/>`,
    points,
    `</g>`,
    `</g>`
  ].join('')
}

/** The report as a standalone SVG document. */
export const svgReport = (outcome: Outcome, title: string): string => {
  const lossWidth = 420
  const width = lossWidth + PANEL + 20
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${PANEL + 10}" viewBox="0 0 ${width} ${PANEL + 10}" font-family="sans-serif" font-size="11">`,
    `<title>${escape(title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<g transform="translate(0,8)">`,
    lossPanel(outcome.losses, outcome.steps, lossWidth),
    boundaryPanel(outcome, lossWidth + 10),
    `</g>`,
    `</svg>`
  ].join('\n')
}

/** The report as an HTML page: a heading, a summary and the SVG inline. */
export const htmlReport = (outcome: Outcome, title: string, summary: ReadonlyArray<string>): string =>
  htmlPage(title, summary, [
    '<table><tr><th>x₁</th><th>x₂</th><th>target</th><th>output</th></tr>',
    INPUTS.map(([a, b], i) => `<tr><td>${a}</td><td>${b}</td><td>${TARGETS[i]}</td><td>${outcome.outputs[i]!.toFixed(4)}</td></tr>`).join(''),
    '</table>',
    svgReport(outcome, title).replace(/^<svg /, '<svg id="report" ')
  ])
