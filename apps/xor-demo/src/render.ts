/**
 * Text for the terminal: the predictions table, a loss sparkline, a character map of the decision boundary,
 * the verdict, and the sweep report. Pure functions of the results; colour only through a `Style`.
 */
import * as M from '@puregrad/tensor/Matrix'
import type { Params } from '@puregrad/mlp/Mlp'
import type { MlpSpec } from '@puregrad/mlp/Spec'
import { widthsOf } from '@puregrad/mlp/Spec'
import type { Outcome } from './run.js'
import { CONVERGED_WITHIN, INPUTS, TARGETS, predictOver } from './run.js'
import type { SweepReport } from './sweep.js'
import { quantile } from './sweep.js'

// -------------------------------------------------------------------------------------
// style
// -------------------------------------------------------------------------------------

export interface Style {
  readonly bold: (s: string) => string
  readonly dim: (s: string) => string
  readonly good: (s: string) => string
  readonly bad: (s: string) => string
}

const sgr = (code: string) => (s: string) => `\x1b[${code}m${s}\x1b[0m`

export const plain: Style = { bold: (s) => s, dim: (s) => s, good: (s) => s, bad: (s) => s }
export const colored: Style = { bold: sgr('1'), dim: sgr('2'), good: sgr('32'), bad: sgr('31') }

// -------------------------------------------------------------------------------------
// pieces
// -------------------------------------------------------------------------------------

/** The four inputs with target and prediction, one row each, ✓ where within the convergence tolerance. */
export const predictionsTable = (outputs: ReadonlyArray<number>, style: Style): string => {
  const header = style.bold('  x₁  x₂   target   output')
  const rows = INPUTS.map(([a, b], i) => {
    const out = outputs[i]!
    const ok = Math.abs(out - TARGETS[i]!) < CONVERGED_WITHIN
    const mark = ok ? style.good('✓') : style.bad('✗')
    return `   ${a}   ${b}        ${TARGETS[i]}   ${out.toFixed(4)}  ${mark}`
  })
  return [header, ...rows].join('\n')
}

const BARS = '▁▂▃▄▅▆▇█'

/**
 * The loss over the steps in `width` characters, on a log scale (losses fall over orders of magnitude).
 * Each character shows the mean loss of its stretch of steps.
 */
export const sparkline = (losses: ReadonlyArray<number>, width = 60): string => {
  if (losses.length === 0) return ''
  const buckets = Math.min(width, losses.length)
  const means = Array.from({ length: buckets }, (_, b) => {
    const from = Math.floor((b * losses.length) / buckets)
    const to = Math.floor(((b + 1) * losses.length) / buckets)
    let s = 0
    for (let i = from; i < to; i++) s += losses[i]!
    return Math.log(Math.max(s / (to - from), 1e-12))
  })
  const lo = Math.min(...means)
  const hi = Math.max(...means)
  return means.map((v) => BARS[hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (BARS.length - 1))]).join('')
}

const SHADES = ' ░▒▓█'

/**
 * The network's output over [0, 1]² as characters (x₁ to the right, x₂ up): darker is closer to 1.
 * The four corners show the targets, so the boundary between them is visible at a glance.
 */
export const decisionMap = (spec: MlpSpec, params: Params, style: Style, cols = 41, rows = 15): string => {
  const grid = M.makeBy(2, cols * rows, (i, k) => {
    const c = k % cols
    const r = Math.floor(k / cols)
    return i === 0 ? c / (cols - 1) : 1 - r / (rows - 1)
  })
  const out = predictOver(spec, params, grid)
  const lines = Array.from({ length: rows }, (_, r) => {
    let line = ''
    for (let c = 0; c < cols; c++) {
      const corner = (r === 0 || r === rows - 1) && (c === 0 || c === cols - 1)
      if (corner) {
        const target = TARGETS[INPUTS.findIndex(([a, b]) => a === c / (cols - 1) && b === 1 - r / (rows - 1))]!
        line += style.bold(String(target))
      } else {
        line += SHADES[Math.min(SHADES.length - 1, Math.floor(out[r * cols + c]! * SHADES.length))]
      }
    }
    return `${r === 0 ? 'x₂=1 ' : r === rows - 1 ? 'x₂=0 ' : '     '}│${line}│`
  })
  const axis = `      x₁=0${' '.repeat(cols - 8)}x₁=1`
  return [...lines, axis].join('\n')
}

/** A sentence about the outcome: converged, or stuck with advice, or unfinished. */
export const verdictText = (outcome: Outcome, style: Style): string => {
  switch (outcome.verdict) {
    case 'converged':
      return style.good(`Learned XOR: every output is within ${CONVERGED_WITHIN} of its target.`)
    case 'stuck': {
      const near = outcome.outputs.flatMap((o, i) => (Math.abs(o - 0.5) < 0.15 ? [`(${INPUTS[i]!.join(', ')}) → ${o.toFixed(3)}`] : []))
      // An output stuck at 0.5 costs −ln ½ = ln 2 whatever its target; 'mean' divides the sum by the 4 examples.
      const mean = outcome.spec.reduction === 'mean'
      const floor = (near.length * Math.LN2) / (mean ? 4 : 1)
      return style.bad(
        `This run got stuck: ${near.join(' and ')} sit near 0.5, a local minimum where the loss stays near ` +
          `${near.length}·ln 2${mean ? '/4' : ''} ≈ ${floor.toFixed(3)} (this run: ${outcome.loss.toFixed(3)}).\n` +
          `Small XOR networks fall into it from many seeds. Try --restarts 5, another --seed, or a wider hidden layer such as --hidden 4.`
      )
    }
    case 'unfinished':
      return style.bad(`Not converged after ${outcome.steps} steps (largest error ${maxError(outcome).toFixed(3)}): try more --steps or another --lr.`)
  }
}

const maxError = (o: Outcome): number => Math.max(...o.outputs.map((v, i) => Math.abs(v - TARGETS[i]!)))

/** The full text report of one run; `origin` says where the parameters came from ("seed 1", "loaded from m.json"). */
export const runReport = (outcome: Outcome, seconds: number, origin: string, style: Style): string => {
  const rate = outcome.steps > 0 && seconds > 0 ? `, ${Math.round(outcome.steps / seconds).toLocaleString('en-US')} steps/s` : ''
  const attempt = outcome.attempt > 0 ? ` (restart ${outcome.attempt})` : ''
  const lines = [
    style.bold(`XOR with widths [${widthsOf(outcome.spec).join(', ')}], ${origin}${attempt}`),
    '',
    predictionsTable(outcome.outputs, style),
    '',
    `loss ${outcome.loss.toFixed(6)} after ${outcome.steps} steps in ${seconds.toFixed(3)} s${rate}`
  ]
  if (outcome.losses.length > 1) lines.push(`loss  ${sparkline(outcome.losses)}  ${style.dim('(log scale)')}`)
  lines.push('', decisionMap(outcome.spec, outcome.params, style), '', verdictText(outcome, style))
  return lines.join('\n')
}

/** The text report of a sweep: counts, the share that converged, and the spread of final losses. */
export const sweepReport = (report: SweepReport, seconds: number, style: Style): string => {
  const { counts, runs, losses } = report
  const pct = (n: number) => `${((100 * n) / runs).toFixed(1)}%`
  const q = (p: number) => quantile(losses, p).toFixed(4)
  return [
    style.bold(`Sweep over seeds ${report.firstSeed}…${report.firstSeed + runs - 1} (${runs} runs, ${seconds.toFixed(2)} s)`),
    '',
    `  converged   ${String(counts.converged).padStart(6)}  ${pct(counts.converged)}`,
    `  stuck       ${String(counts.stuck).padStart(6)}  ${pct(counts.stuck)}   (two or more outputs near 0.5, each adding ln 2 to the summed loss)`,
    `  unfinished  ${String(counts.unfinished).padStart(6)}  ${pct(counts.unfinished)}`,
    `  diverged    ${String(counts.diverged).padStart(6)}  ${pct(counts.diverged)}`,
    '',
    losses.length > 0
      ? `final loss: min ${q(0)}  25% ${q(0.25)}  median ${q(0.5)}  75% ${q(0.75)}  max ${q(1)}`
      : 'final loss: no run finished',
    losses.length > 1 ? `sorted losses ${sparkline(losses, 50)}` : ''
  ]
    .filter((l, i, all) => l !== '' || (i > 0 && all[i - 1] !== ''))
    .join('\n')
}
