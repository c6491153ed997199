/**
 * The numpy contender: the notebook's own training step (scripts/numpy-step.py) in a python3 child process, given the
 * bench's network, data and initial parameters, timed as the bench times its own contenders, in rounds alternating
 * with them (isolated.ts). numpy uses its default BLAS threads. Where python3 or numpy is missing the contender is skipped, with a note on stderr.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { MlpWorkload } from './workloads/mlp.js'
import type { ChildMeasure } from './isolated.js'
import type { Timing } from './timing.js'
import { withDefaults } from './timing.js'

export interface NumpyTiming extends Timing {
  /** numpy's BLAS, as numpy reports it (e.g. scipy-openblas). */
  readonly blas: string
  readonly numpy: string
}

/** The interpreter: $PUREGRAD_PYTHON, else python3 on the PATH. */
const python = process.env['PUREGRAD_PYTHON'] ?? 'python3'

/** The network, its initial parameters (W[l] out × in, row-major) and one batch (x in × B, y out × B, row-major). */
export interface NumpySetup {
  readonly weights: ReadonlyArray<Float64Array>
  readonly biases: ReadonlyArray<Float64Array>
  readonly xData: Float64Array
  readonly yData: Float64Array
}

/** Runs scripts/numpy-step.py on a request; its parsed output, or the reason it could not run. */
const runNumpy = (w: Pick<MlpWorkload, 'widths' | 'batch' | 'lr'>, setup: NumpySetup, extra: object): { readonly ok: unknown } | { readonly why: string } => {
  const script = fileURLToPath(new URL('../scripts/numpy-step.py', import.meta.url))
  const request = {
    widths: w.widths,
    batch: w.batch,
    lr: w.lr,
    weights: setup.weights.map((x) => Array.from(x)),
    biases: setup.biases.map((x) => Array.from(x)),
    x: Array.from(setup.xData),
    y: Array.from(setup.yData),
    ...extra
  }
  const run = spawnSync(python, [script], { input: JSON.stringify(request), encoding: 'utf8', maxBuffer: 1 << 26 })
  if (run.error !== undefined) return { why: `${python}: ${run.error.message}` }
  if (run.status !== 0) return { why: run.stderr.includes('No module named') ? `${python} has no numpy` : `${python}: ${run.stderr.trim().split('\n').pop()}` }
  return { ok: JSON.parse(run.stdout) as unknown }
}

/**
 * The notebook's step on these parameters and data as a contender measured in rounds (isolated.ts): each round's
 * samples from a fresh python3. Where it cannot run, the first round notes why on stderr and every round gives none.
 */
export const numpyContender = (w: MlpWorkload, setup: NumpySetup): ChildMeasure => {
  let skipped = false
  return (round) => {
    if (skipped) return []
    const result = runNumpy(w, setup, { options: withDefaults(round) })
    if ('why' in result) {
      skipped = true
      console.error(`bench: numpy contender skipped (${result.why})`)
      return []
    }
    return result.ok as ReadonlyArray<NumpyTiming>
  }
}

/** The parameters after one notebook step (for the bench's tests), or the reason numpy could not run. */
export const numpyStep = (
  w: Pick<MlpWorkload, 'widths' | 'batch' | 'lr'>,
  setup: NumpySetup
): { readonly weights: ReadonlyArray<ReadonlyArray<number>>; readonly biases: ReadonlyArray<ReadonlyArray<number>> } | string => {
  const result = runNumpy(w, setup, { check: true })
  return 'why' in result ? result.why : (result.ok as { weights: number[][]; biases: number[][] })
}
