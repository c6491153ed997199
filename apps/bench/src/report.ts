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

/** The ratio puregrad / contender for each contender, with whether its target (if any) is met. */
export const ratios = (row: Row): ReadonlyArray<{ readonly against: string; readonly ratio: number; readonly target?: Target; readonly met?: boolean }> => {
  const ours = row.figures['puregrad']
  if (ours === undefined) return []
  return Object.entries(row.figures)
    .filter(([name]) => name !== 'puregrad')
    .map(([against, v]) => {
      const target = row.targets[against]
      const ratio = ours / v
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
