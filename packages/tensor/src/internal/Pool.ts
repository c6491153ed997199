/**
 * Worker threads for the large products: bands of a WebAssembly product's tiles shared out between this thread and up
 * to `count − 1` workers, all running the shared-memory variant of the same module over one
 * SharedArrayBuffer-backed memory. This thread copies the operands in and packs B, publishes the job, takes bands
 * itself (TileProgram.ts: each packs its rows of A, multiplies them and runs the epilogue over them) and blocks until
 * every band is done; then it copies the result out as on one thread.
 *
 * Same bits for any thread count: a band is a run of whole 4×4 output tiles, each computed by the module's one loop,
 * summing ascending p from +0. Nothing is ever summed across threads, so how the tiles are split cannot change a result.
 *
 * Where it runs: Node (worker_threads, looked up at run time with process.getBuiltinModule where it exists, so nothing
 * here imports Node and a browser bundle carries no Node dependency) and
 * Web Workers in a cross-origin-isolated page, from a thread that may block (a worker, not a page's main thread).
 * Elsewhere, or if shared memory cannot be made, `pool()` is undefined and products run on one thread, with the same
 * results. Workers start lazily on the first product big enough, are unref'd (a Node process exits as if they were
 * not there), and a worker that is slow to start only means this thread takes more bands: bands are claimed, not
 * assigned, so no thread ever waits for a particular other one.
 *
 * Memory: one shared memory, grown to the largest product seen and reused (at most sharedMaxPages; a product that
 * needs more runs on the single-threaded module instead: same bits, no error).
 *
 * @since 0.2.0
 */

import type { WorkerData } from './TileProgram.js'
import { program, tileProgram } from './TileProgram.js'
import type { GemmExports, Multiplier, WasmKernel } from './WasmKernel.js'
import { make, wasmKernel as single } from './WasmKernel.js'
import { gemmSharedBytes, sharedMaxPages } from './wasm/gemmBytes.js'

const F = program.Field

/** Bands per thread: more than one, so a thread slowed by other work on the machine leaves its share to the rest. */
const BANDS_PER_THREAD = 4

// The few APIs used here, typed locally (the library compiles against ES2022 only, without Node or DOM types).
interface WasmApi {
  Memory: new (descriptor: { initial: number; maximum: number; shared: boolean }) => object
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { readonly exports: unknown }
  validate(bytes: Uint8Array): boolean
}
interface NodeWorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => {
    unref(): void
    on(event: 'error', listener: (error: unknown) => void): void
  }
}
interface Host {
  readonly WebAssembly?: WasmApi
  readonly process?: { readonly getBuiltinModule?: (name: string) => unknown }
  readonly Worker?: new (url: string) => { postMessage(message: unknown): void; addEventListener(event: 'error', listener: () => void): void }
  readonly Blob?: new (parts: string[], options: { type: string }) => object
  readonly URL?: { createObjectURL(blob: object): string }
  readonly crossOriginIsolated?: boolean
  readonly navigator?: { readonly hardwareConcurrency?: number }
}
const host = globalThis as unknown as Host

/** A function starting a worker that runs `serve` on this platform, or undefined where workers cannot run. */
const workerStarter = (): ((data: WorkerData) => void) | undefined => {
  const serve = `(${String(tileProgram)})().serve`
  const nodeThreads = host.process?.getBuiltinModule?.('worker_threads') as NodeWorkerThreads | undefined
  if (nodeThreads !== undefined) {
    return (data) => {
      const worker = new nodeThreads.Worker(`${serve}(process.getBuiltinModule('worker_threads').workerData)`, { eval: true, workerData: data })
      worker.unref()
      // A worker that fails only means fewer threads take bands (nothing waits on a particular one).
      worker.on('error', () => {})
    }
  }
  const { Worker, Blob, URL } = host
  if (Worker === undefined || Blob === undefined || URL === undefined || host.crossOriginIsolated !== true) return undefined
  const source = `self.onmessage = (event) => { self.onmessage = null; ${serve}(event.data) }`
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }))
  return (data) => {
    const worker = new Worker(url)
    worker.addEventListener('error', () => {})
    worker.postMessage(data)
  }
}

/** True where this thread may block in Atomics.wait (Node, workers; not a page's main thread). */
const mayBlock = (): boolean => {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0)
    return true
  } catch {
    return false
  }
}

/** Threads this machine has: Node's availableParallelism, a browser's hardwareConcurrency, else 1. */
export const cores = (): number => {
  const os = host.process?.getBuiltinModule?.('os') as { availableParallelism?: () => number } | undefined
  const n = os?.availableParallelism?.() ?? host.navigator?.hardwareConcurrency ?? 1
  return Number.isInteger(n) && n >= 1 ? n : 1
}

/** A started pool: a kernel over the shared memory whose bands the workers and this thread share. */
export interface Pool {
  readonly kernel: WasmKernel
  /** Sets how many threads take bands (this one included), starting workers as needed (none is ever stopped). */
  readonly use: (threads: number) => void
  /** Workers started so far. */
  readonly workers: () => number
}

/**
 * Shares out the job in the shared record: along rows, or along columns when there are too few row tiles. Its threads
 * poll long between jobs only while they are no more than `machineCores` (TileProgram's POLL_LONG).
 */
const sharedMultiplier = (control: Int32Array, job: Float64Array, threads: () => number, machineCores: number): Multiplier => ({
  job,
  run: (x: GemmExports) => {
    const n = threads()
    const rowTiles = job[F.rowTiles]!, colTiles = job[F.colTiles]!
    const byRows = rowTiles >= 2 * n || rowTiles >= colTiles
    const tiles = byRows ? rowTiles : colTiles
    const per = Math.ceil(tiles / Math.min(tiles, n * BANDS_PER_THREAD, program.maxBands))
    job[F.axis] = byRows ? 0 : 1
    job[F.per] = per
    job[F.bands] = Math.ceil(tiles / per)
    // Column bands multiply only: A is packed whole before, and the epilogue runs over all rows after.
    if (!byRows) x.pack(job[F.aRaw]!, job[F.aFull]!, job[F.k]!, job[F.ars]!, job[F.acs]!, job[F.ap]!)
    program.publish(control, n - 1, machineCores)
    program.work(x, control, job)
    program.awaitDone(control, job)
    if (!byRows) program.finish(x, job, 0, job[F.m]!)
  }
})

/**
 * Starts a pool whose shared memory may grow to `maxPages` (at most the module's declared maximum; tests give a small
 * one to reach the fallback), or undefined where threads cannot run here.
 */
export const start = (maxPages: number = sharedMaxPages): Pool | undefined => {
  const wasm = host.WebAssembly
  if (wasm === undefined || typeof SharedArrayBuffer === 'undefined' || !mayBlock()) return undefined
  const startWorker = workerStarter()
  if (startWorker === undefined) return undefined
  let memory: object, module: object, exports: GemmExports
  try {
    if (!wasm.validate(gemmSharedBytes)) return undefined
    memory = new wasm.Memory({ initial: 1, maximum: maxPages, shared: true })
    module = new wasm.Module(gemmSharedBytes)
    exports = new wasm.Instance(module, { env: { memory } }).exports as GemmExports
  } catch {
    return undefined // no shared memory here (e.g. a page that is not cross-origin isolated)
  }
  const shared = new SharedArrayBuffer(program.sharedBytes)
  const { control, job } = program.views(shared)
  let workers = 0
  let threads = 1
  let refused = false
  const threaded = make(exports, sharedMultiplier(control, job, () => Math.min(threads, workers + 1), cores()))
  return {
    kernel: single === undefined ? threaded : withFallback(threaded, single),
    use: (count) => {
      threads = count
      while (workers < count - 1 && !refused) {
        try {
          startWorker({ module, memory, control: shared, index: workers })
          workers++
        } catch {
          refused = true // the platform would not start a worker: the ones running (maybe none) share the work
        }
      }
    },
    workers: () => workers
  }
}

/**
 * The threaded kernel, and where its memory cannot grow to an operation (past sharedMaxPages), the single-threaded
 * one: same bits, only slower.
 */
const withFallback = (threaded: WasmKernel, single: WasmKernel): WasmKernel => ({
  gemm: (...args) => threaded.gemm(...args) || single.gemm(...args),
  gemmAxpy: (...args) => threaded.gemmAxpy(...args) || single.gemmAxpy(...args),
  gemmBias: (...args) => threaded.gemmBias(...args) || single.gemmBias(...args),
  gemmDerivative: (...args) => threaded.gemmDerivative(...args) || single.gemmDerivative(...args),
  timesDerivative: single.timesDerivative, // elementwise: one thread, in the single-threaded module's own memory
  memoryBytes: threaded.memoryBytes
})

let started: Pool | undefined | null = null

/** The pool, started on first use; undefined where threads cannot run here (then everything runs on one thread). */
export const pool = (): Pool | undefined => {
  if (started === null) started = start()
  return started
}
