/**
 * TensorFlow.js runs in a child process of its own, so that what it does to the process's memory is not billed to
 * puregrad. Measured with page-fault counts per sample: interleaved in one process, tfjs-cpu's allocations (about 100
 * page faults per mid-size step of its own) left the C allocator handing puregrad fresh pages, up to 25 faults per
 * mid-size step at about 13 µs each on this virtual machine (557 instead of 684 steps/s in one sample, 0 faults
 * in the next); with tfjs-wasm in the same process, the 512×512 product fell from 5.3× to 3.7× its JS kernel.
 * puregrad, its JS path and the hand-written baselines still share one process and are interleaved, as the targets
 * compare them; tfjs is measured right after them, with the same warm-up and samples, from the same seeded data.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { MlpWorkload } from './workloads/mlp.js'
import type { Contender, MeasureOptions, Timing } from './timing.js'
import { useDefaults } from './threads.js'
import { measure } from './timing.js'

/** The contenders that run in the child. */
export const tfjsContenders: ReadonlyArray<string> = ['tfjs-cpu', 'tfjs-wasm']

/** What the child measures: one workload's tfjs contenders (a subset of `tfjsContenders`). */
export interface ChildRequest {
  readonly workload:
    | { readonly kind: 'mlp'; readonly mlp: MlpWorkload }
    | { readonly kind: 'matmul'; readonly n: number }
    | { readonly kind: 'cnn' }
    | { readonly kind: 'conv' }
  readonly contenders: ReadonlyArray<string>
  readonly options: MeasureOptions
}

/** Runs the request in a fresh `node --expose-gc` (src/tfjsChild.ts) and returns its timings. */
export const measureInChild = (request: ChildRequest): ReadonlyArray<Timing> => {
  if (request.contenders.length === 0) return []
  const child = fileURLToPath(new URL('./tfjsChild.js', import.meta.url))
  const run = spawnSync(process.execPath, ['--expose-gc', child, JSON.stringify(request)], { encoding: 'utf8', maxBuffer: 1 << 24 })
  if (run.status !== 0) {
    throw new Error(`bench: the tfjs contenders failed (${run.error?.message ?? `exit ${run.status}`}): ${run.stderr.trim()}`)
  }
  return JSON.parse(run.stdout) as ReadonlyArray<Timing>
}

/**
 * A workload's timings: `contenders` measured here (interleaved), then its tfjs contenders in the child, each kept
 * when `only` is undefined or names it. The engine is back to its defaults afterwards (threads included).
 */
export const measureWorkload = async (
  contenders: ReadonlyArray<Contender>,
  workload: ChildRequest['workload'],
  only: ReadonlySet<string> | undefined,
  options: MeasureOptions
): Promise<ReadonlyArray<Timing>> => {
  const wanted = (name: string) => only === undefined || only.has(name)
  const ours = await measure(contenders.filter((c) => wanted(c.name)), options)
  useDefaults()
  return [...ours, ...measureInChild({ workload, contenders: tfjsContenders.filter(wanted), options })]
}
