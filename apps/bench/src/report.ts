import { median } from './timing.js'

/** One line of the bench table: a workload, its contenders' figures, and puregrad's ratio to each. */
export interface Row {
  readonly workload: string
  readonly unit: string
  /** Contender name -> figure (higher is better). */
  readonly figures: Readonly<Record<string, number>>
  /** Contender name -> GFLOP/s, where the workload counts flops. */
  readonly gflops?: Readonly<Record<string, number>>
  /**
   * Target ratios puregrad / contender, printed next to the measured ratio: a number is a floor (puregrad at least
   * that many times the contender), `{ atMost }` a ceiling (the contender within that factor of puregrad: a puregrad
   * route other than its fused step, such as `ad`).
   */
  readonly targets: Readonly<Record<string, Target>>
  /** Contender name -> every sample's seconds per call, in the order taken (the figures come from their median). */
  readonly samples: Readonly<Record<string, ReadonlyArray<number>>>
}

export type Target = number | { readonly atMost: number }

const meets = (ratio: number, target: Target): boolean => (typeof target === 'number' ? ratio >= target : ratio <= target.atMost)
const describeTarget = (target: Target): string => (typeof target === 'number' ? `≥ ${target}` : `≤ ${target.atMost}`)

/** Each contender's samples, for a row. */
export const samplesOf = (timings: ReadonlyArray<{ readonly name: string; readonly samples: ReadonlyArray<number> }>): Row['samples'] =>
  Object.fromEntries(timings.map((t) => [t.name, t.samples]))

const fmt = (x: number): string => (x >= 1000 ? Math.round(x).toLocaleString('en-US') : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2))

/**
 * puregrad / contender from the samples: where both have as many samples, taken in the same rounds (the contenders
 * of one process sample in turn, round after round; tfjs's and numpy's children take theirs in rounds alternating
 * with ours), the median of the rounds' own ratios, so that a change of the machine's speed between rounds, which
 * moves both samples of a round alike, drops out; otherwise (a contender that ran in fewer rounds) the ratio of the
 * two medians.
 * On this shared machine two contenders running the same code (puregrad and puregrad-1t on XOR, whose products never
 * reach the threads) measured 1.05 paired and 0.86 by medians in one run.
 */
const ratioOf = (row: Row, against: string): number => {
  const ours = row.samples['puregrad'], theirs = row.samples[against]
  if (ours === undefined || theirs === undefined || ours.length !== theirs.length || ours.length === 0) {
    return row.figures['puregrad']! / row.figures[against]!
  }
  // samples are seconds per call: puregrad / contender in speed is theirs / ours in time
  return median(ours.map((t, r) => theirs[r]! / t))
}

/** The ratio puregrad / contender for each contender (see ratioOf), with whether its target (if any) is met. */
export const ratios = (row: Row): ReadonlyArray<{ readonly against: string; readonly ratio: number; readonly target?: Target; readonly met?: boolean }> => {
  if (row.figures['puregrad'] === undefined) return []
  return Object.keys(row.figures)
    .filter((name) => name !== 'puregrad')
    .map((against) => {
      const target = row.targets[against]
      const ratio = ratioOf(row, against)
      return target === undefined ? { against, ratio } : { against, ratio, target, met: meets(ratio, target) }
    })
}

/** A plain-text table: figures, then puregrad / contender ratios with their targets (✓ met, ✗ missed). */
export const formatTable = (rows: ReadonlyArray<Row>): string =>
  rows
    .map((r) => {
      const figures = Object.entries(r.figures).map(([name, v]) => `${name} ${fmt(v)}`).join('  ')
      const gflops = r.gflops === undefined ? '' : `\n${''.padEnd(4)}GFLOP/s: ${Object.entries(r.gflops).map(([name, v]) => `${name} ${fmt(v)}`).join('  ')}`
      const rs = ratios(r)
        .map(({ against, ratio, target, met }) => `×${fmt(ratio)} vs ${against}${target === undefined ? '' : ` (target ${describeTarget(target)} ${met ? '✓' : '✗'})`}`)
        .join(', ')
      return `${r.workload} (${r.unit})\n    ${figures}${gflops}\n    puregrad: ${rs}`
    })
    .join('\n\n')
