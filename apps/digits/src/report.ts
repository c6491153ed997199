/**
 * --report: the training curves (loss per epoch on the training and validation parts, validation accuracy), the test
 * confusion matrix as a heat map, and misclassified test digits drawn as images with their true and predicted
 * labels; a standalone SVG, or an HTML page that embeds it. Pure string building; main.ts writes the file atomically.
 */
import { escapeXml, fmt, htmlPage } from '@puregrad/cli-kit/svg'
import type { Misclassified } from './render.js'
import type { EpochRecord } from './train.js'

export interface ReportData {
  readonly title: string
  readonly curve: ReadonlyArray<EpochRecord>
  readonly bestEpoch: number
  readonly confusion: ReadonlyArray<ReadonlyArray<number>>
  readonly misclassified: ReadonlyArray<Misclassified>
}

const PANEL = 240
const PAD = 44

/** A chart of series over the epochs, in a PANEL-high box `width` wide at x = `left`, y from lo to hi. */
const chart = (
  left: number,
  width: number,
  title: string,
  series: ReadonlyArray<{ readonly name: string; readonly colour: string; readonly values: ReadonlyArray<readonly [number, number]> }>,
  [lo, hi]: readonly [number, number],
  ticks: ReadonlyArray<number>,
  marker: number | undefined
): string => {
  const epochs = series.flatMap((s) => s.values.map(([e]) => e))
  const last = Math.max(1, ...epochs)
  const x = (e: number) => left + PAD + (e / last) * (width - PAD - 10)
  const y = (v: number) => 20 + ((hi - Math.min(hi, Math.max(lo, v))) / (hi - lo || 1)) * (PANEL - 50)
  const lines = series.map(
    (s) => `<polyline fill="none" stroke="${s.colour}" stroke-width="1.5" points="${s.values.map(([e, v]) => `${fmt(x(e))},${fmt(y(v))}`).join(' ')}"/>`
  )
  const legend = series.map((s, k) => `<text x="${fmt(left + PAD + 8 + k * 110)}" y="${PANEL - 8}" fill="${s.colour}">— ${escapeXml(s.name)}</text>`)
  const yTicks = ticks.map((v) => `<text x="${fmt(left + PAD - 6)}" y="${fmt(y(v) + 4)}" text-anchor="end">${v}</text><line x1="${fmt(left + PAD)}" x2="${fmt(left + width - 10)}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="#eee"/>`)
  const best = marker === undefined ? '' : `<line x1="${fmt(x(marker))}" x2="${fmt(x(marker))}" y1="20" y2="${PANEL - 30}" stroke="#999" stroke-dasharray="3,3"/><text x="${fmt(x(marker) + 3)}" y="30" fill="#666">best</text>`
  return [
    `<g>`,
    `<text x="${left + PAD}" y="12" font-weight="bold">${escapeXml(title)}</text>`,
    ...yTicks,
    `<text x="${fmt(left + width - 10)}" y="${PANEL - 22}" text-anchor="end">epoch ${last}</text>`,
    best,
    ...lines,
    ...legend,
    `</g>`
  ].join('')
}

/** White (0) to dark blue (the largest count). */
const heat = (t: number): string => `rgb(${Math.round(255 - 215 * t)},${Math.round(255 - 175 * t)},${Math.round(255 - 75 * t)})`

const confusionPanel = (left: number, confusion: ReadonlyArray<ReadonlyArray<number>>): string => {
  const cell = 20
  const max = Math.max(1, ...confusion.flat())
  const cells = confusion.flatMap((row, i) =>
    row.map((c, j) => {
      const t = c / max
      const at = `x="${left + 30 + j * cell}" y="${30 + i * cell}"`
      const label = c === 0 ? '' : `<text x="${left + 30 + j * cell + cell / 2}" y="${30 + i * cell + 14}" text-anchor="middle" fill="${t > 0.5 ? '#fff' : '#222'}">${c}</text>`
      return `<rect ${at} width="${cell}" height="${cell}" fill="${heat(t)}" stroke="#fff"><title>true ${i}, predicted ${j}: ${c}</title></rect>${label}`
    })
  )
  const axes = confusion.map(
    (_, k) =>
      `<text x="${left + 22}" y="${30 + k * cell + 14}" text-anchor="end">${k}</text><text x="${left + 30 + k * cell + cell / 2}" y="${30 + 10 * cell + 14}" text-anchor="middle">${k}</text>`
  )
  return [
    `<g>`,
    `<text x="${left}" y="12" font-weight="bold">test confusion (rows true, columns predicted)</text>`,
    ...cells,
    ...axes,
    `</g>`
  ].join('')
}

const digitsPanel = (top: number, digits: ReadonlyArray<Misclassified>): string => {
  const px = 6
  const shown = digits.slice(0, 12)
  const images = shown.map((d, k) => {
    const left = 10 + k * (8 * px + 14)
    const pixels = d.pixels.map((v, i) => {
      const g = Math.round(255 * (1 - v))
      return `<rect x="${left + (i % 8) * px}" y="${top + 20 + Math.floor(i / 8) * px}" width="${px}" height="${px}" fill="rgb(${g},${g},${g})"/>`
    })
    return `${pixels.join('')}<text x="${left}" y="${top + 20 + 8 * px + 14}">${d.label} → ${d.predicted}</text>`
  })
  const heading = shown.length === 0 ? 'no misclassified test digits' : `misclassified test digits (true → predicted), ${shown.length} of ${digits.length}`
  return `<g><text x="10" y="${top + 10}" font-weight="bold">${heading}</text>${images.join('')}</g>`
}

export const svgReport = (r: ReportData): string => {
  const width = 3 * 330
  const height = 380
  const top = Math.max(0.1, ...r.curve.flatMap((c) => [c.trainLoss, c.validationLoss]).filter((v) => Number.isFinite(v) && v < 5))
  const lossRange = [0, Math.ceil(top * 10) / 10] as const
  const loss = chart(
    0,
    330,
    'loss per epoch',
    [
      { name: 'train', colour: '#3168c7', values: r.curve.map((c) => [c.epoch, c.trainLoss] as const) },
      { name: 'validation', colour: '#d63e3e', values: r.curve.map((c) => [c.epoch, c.validationLoss] as const) }
    ],
    lossRange,
    [0, lossRange[1]],
    r.bestEpoch
  )
  const accuracy = chart(
    330,
    330,
    'validation accuracy',
    [{ name: 'validation', colour: '#d63e3e', values: r.curve.map((c) => [c.epoch, c.validationAccuracy] as const) }],
    [0.8, 1],
    [0.8, 0.9, 1],
    r.bestEpoch
  )
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`,
    `<title>${escapeXml(r.title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    loss,
    accuracy,
    confusionPanel(680, r.confusion),
    digitsPanel(280, r.misclassified),
    `</svg>`
  ].join('\n')
}

export const htmlReport = (r: ReportData, summary: ReadonlyArray<string>): string =>
  htmlPage(r.title, summary, [svgReport(r).replace(/^<svg /, '<svg id="report" ')])
