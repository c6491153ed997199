/** One line of the bench table: a workload, its contenders' figures, and puregrad's ratio to each. */
export interface Row {
  readonly workload: string
  readonly unit: string
  /** Contender name -> figure (higher is better). */
  readonly figures: Readonly<Record<string, number>>
  /** Target ratios puregrad / contender, checked and printed next to the measured ratio. */
  readonly targets: Readonly<Record<string, number>>
}

const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2))

/** A plain-text table: figures, then puregrad / contender ratios with their targets (✓ met, ✗ missed). */
export const formatTable = (rows: ReadonlyArray<Row>): string =>
  rows
    .map((r) => {
      const figures = Object.entries(r.figures).map(([name, v]) => `${name} ${fmt(v)}`).join('  ')
      const ours = r.figures['puregrad']!
      const ratios = Object.entries(r.figures)
        .filter(([name]) => name !== 'puregrad')
        .map(([name, v]) => {
          const target = r.targets[name]
          const ratio = ours / v
          const verdict = target === undefined ? '' : ratio >= target ? ` (target ≥ ${target} ✓)` : ` (target ≥ ${target} ✗)`
          return `×${fmt(ratio)} vs ${name}${verdict}`
        })
        .join(', ')
      return `${r.workload.padEnd(28)} ${r.unit.padEnd(9)} ${figures}\n${''.padEnd(38)} ${ratios}`
    })
    .join('\n')
