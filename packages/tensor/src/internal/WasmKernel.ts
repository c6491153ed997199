/**
 * The WebAssembly SIMD path of `gemm` and of the products with an epilogue (`gemmAxpy`, `gemmBias`, `gemmDerivative`):
 * the same packed panels as the JS tiled kernel (laid out by the module's `pack` after one memcpy per operand),
 * multiplied by a 4×4 f64x2 kernel (wasm/gemm.wat, bytes in wasm/gemmBytes.ts). Loaded synchronously and
 * feature-probed: where WebAssembly or its SIMD is missing (an old browser, a strict Content-Security-Policy),
 * `wasmKernel` is undefined and the JS kernels serve. Results are bit-identical to the JS path: the same products,
 * added in the same order, and the same epilogue operations.
 *
 * Inputs are copied into the module's memory and the result copied out into the caller's fresh buffer (an epilogue's
 * own input, c, the bias or a = σ(z), is copied in too, and the epilogue runs in the module first), so purity holds.
 * The memory grows to the largest operation seen and is reused, so it stays bounded however many run. An operation
 * the memory cannot grow to (past wasm32's 4 GiB, or refused by the engine) returns false, and Kernel runs it in JS.
 *
 * σ needs e^x, and bit-identity needs one e^x on both paths: Exp.exp, fdlibm's algorithm from IEEE arithmetic (the
 * one V8's Math.exp runs, so on V8 the numbers are those of Math.exp), in JS and, lane by lane, in the module.
 * Activations the module does not know (tanh, softplus, …) run in JS over the copied-out product, on both paths.
 *
 * @since 0.1.0
 */

import { derivativeCode } from './Epilogue.js'
import type { Gemm, GemmAxpy, GemmBias, GemmDerivative, TimesDerivative } from './Kernel.js'
import type { TileExports } from './TileProgram.js'
import { program } from './TileProgram.js'
import { gemmBytes } from './wasm/gemmBytes.js'

const F = program.Field
const E = program.Epilogue

// The few WebAssembly APIs used here, typed locally: the libraries compile against ES2022 only (no DOM or Node
// types), and WebAssembly may be absent at run time, so it is read from globalThis.
interface WasmMemory {
  readonly buffer: ArrayBuffer
  grow(pages: number): number
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean
  Module: new (bytes: Uint8Array) => object
  Instance: new (module: object, imports: object) => { readonly exports: unknown }
}

export interface GemmExports extends TileExports {
  readonly memory: WasmMemory
}

/** A kernel of the module: false, with `out` untouched, when its linear memory cannot grow to the operation. */
type Fallible<F extends (...args: never) => void> = (...args: Parameters<F>) => boolean

export interface WasmKernel {
  /** Same contract as Kernel.gemm, bit for bit. */
  readonly gemm: Fallible<Gemm>
  /** Same contract as Kernel.gemmAxpy, bit for bit: the axpy runs in the module. */
  readonly gemmAxpy: Fallible<GemmAxpy>
  /** Same contract as Kernel.gemmBias, bit for bit: the bias is added, and σ applied, in the module. */
  readonly gemmBias: Fallible<GemmBias>
  /** Same contract as Kernel.gemmDerivative, bit for bit: σ' is applied in the module. */
  readonly gemmDerivative: Fallible<GemmDerivative>
  /** Same contract as Kernel.timesDerivative, bit for bit: the module's σ' epilogue over copies of g and a. */
  readonly timesDerivative: Fallible<TimesDerivative>
  /** Bytes of linear memory now held (grows to the largest operation, never beyond). */
  readonly memoryBytes: () => number
}

const PAGE = 65536
const TILE = 4
/** Bytes of A panels processed against each B panel: a share of a typical 1–2 MiB L2 cache. */
const L2_BYTES = 256 * 1024

/**
 * The exports of a fresh instance of a module (by default the single-threaded one), or undefined where it cannot load
 * (tests wrap a second one; Pool.ts instantiates the shared-memory variant with its memory as `imports`).
 */
export const instantiate = (bytes: Uint8Array = gemmBytes, imports: object = {}): GemmExports | undefined => {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly
  try {
    // validate() is false where the engine lacks SIMD: then no module is compiled at all.
    if (wasm === undefined || !wasm.validate(bytes)) return undefined
    const instance = new wasm.Instance(new wasm.Module(bytes), imports)
    return instance.exports as GemmExports
  } catch {
    return undefined // WebAssembly disabled (e.g. by CSP) or the module refused: the JS kernels serve
  }
}

/** How many leading entries of an operand with `count` rows of k columns the product reads. */
const extent = (count: number, k: number, rs: number, cs: number): number => (count - 1) * rs + (k - 1) * cs + 1

/** The first `length` entries of x: x itself when that is all of it, else a view of a typed array or a copy. */
const prefix = (x: ArrayLike<number>, length: number): ArrayLike<number> =>
  length >= x.length ? x : ArrayBuffer.isView(x) ? (x as Float64Array).subarray(0, length) : Array.prototype.slice.call(x, 0, length)

/** The entries of x the product reads, so that only they are copied into linear memory. */
const used = (x: ArrayLike<number>, count: number, k: number, rs: number, cs: number): ArrayLike<number> =>
  prefix(x, extent(count, k, rs, cs))

/**
 * Copies an operand in at f64 index `rawAt` (just the entries it reads, see `used`: one memcpy for a typed array), for
 * the module's `pack` to lay out its full panels from (twice as fast as a loop in JS), and writes its last, partial
 * panel here, at f64 index `at` (panel t holds rows 4t … 4t+3 interleaved by p), the padding rows as exact zeros
 * (memory is reused). Returns the number of full panels.
 */
const copyIn = (f64: Float64Array, at: number, count: number, k: number, x: ArrayLike<number>, rs: number, cs: number, rawAt: number): number => {
  const full = Math.floor(count / TILE)
  f64.set(x, rawAt)
  const rows = count - full * TILE
  if (rows === 0) return full
  const base = at + full * k * TILE
  // Read from the copy just made in linear memory: one typed array, so a monomorphic loop, where the caller's operand
  // may be any ArrayLike.
  const from = rawAt + full * TILE * rs
  for (let p = 0; p < k; p++) {
    for (let r = 0; r < TILE; r++) f64[base + p * TILE + r] = r < rows ? f64[from + r * rs + p * cs]! : 0
  }
  return full
}

/** wasm32 addresses at most 2^16 pages (4 GiB); engines may refuse to grow well before that. */
const MAX_PAGES = 65536

/**
 * Grows the memory to hold `bytes`; false when it cannot (past wasm32's 4 GiB, or the engine refuses the allocation:
 * `grow` throws a RangeError), and then the caller runs the JS kernels instead, with the same bits.
 */
const reserve = (memory: WasmMemory, bytes: number): boolean => {
  const have = memory.buffer.byteLength
  if (have >= bytes) return true
  const pages = Math.ceil((bytes - have) / PAGE)
  if (have / PAGE + pages > MAX_PAGES) return false
  try {
    memory.grow(pages)
    return true
  } catch {
    return false
  }
}

/**
 * Runs one product with its epilogue in the module: copies the operands in (and the epilogue's input, `extra`, at
 * `free`), packs B and A's partial panel, writes the job record and has `multiplier` run it (pack A's full panels,
 * multiply, finish; see TileProgram.ts). The m×n result is then at f64 index `at` in rows of `stride` doubles (or, for
 * axpy, at `free` in rows of n). Returns the view to read it through (made after any grow), or undefined when the
 * memory cannot grow to the operation (nothing was written).
 */
const product = (
  exports: GemmExports,
  multiplier: Multiplier,
  m: number, n: number, k: number,
  a: ArrayLike<number>, ars: number, acs: number,
  b: ArrayLike<number>, brs: number, bcs: number,
  epilogue: number, extra: ArrayLike<number> | undefined, extraLength: number, alpha: number, rule: number
): { readonly f64: Float64Array; readonly at: number; readonly stride: number; readonly free: number } | undefined => {
  const rowTiles = Math.ceil(m / TILE)
  const colTiles = Math.ceil(n / TILE)
  const aDoubles = rowTiles * TILE * k
  const bDoubles = colTiles * TILE * k
  const stride = colTiles * TILE
  // Memory: packed A, packed B, the padded product, the raw operands as copied in, then the epilogue's input.
  const at = aDoubles + bDoubles
  const rawA = at + rowTiles * TILE * stride
  const aUsed = used(a, m, k, ars, acs), bUsed = used(b, n, k, bcs, brs)
  const rawB = rawA + aUsed.length
  const free = rawB + bUsed.length
  const bytes = 8 * (free + extraLength)
  if (!reserve(exports.memory, bytes)) return undefined
  // A view made after any grow: growing detaches the old buffer.
  const f64 = new Float64Array(exports.memory.buffer)
  const aFull = copyIn(f64, 0, m, k, aUsed, ars, acs, rawA)
  const bFull = copyIn(f64, aDoubles, n, k, bUsed, bcs, brs, rawB) // B's columns are the rows of Bᵀ
  exports.pack(8 * rawB, bFull, k, bcs, brs, 8 * aDoubles)
  if (extra !== undefined) f64.set(prefix(extra, extraLength), free)
  const job = multiplier.job
  job[F.m] = m; job[F.n] = n; job[F.k] = k; job[F.rowTiles] = rowTiles; job[F.colTiles] = colTiles
  job[F.ap] = 0; job[F.bp] = 8 * aDoubles; job[F.out] = 8 * at; job[F.stride] = stride
  job[F.aRaw] = 8 * rawA; job[F.ars] = ars; job[F.acs] = acs; job[F.aFull] = aFull; job[F.block] = blockTiles(k)
  job[F.epilogue] = epilogue; job[F.extra] = 8 * free; job[F.alpha] = alpha; job[F.rule] = rule
  multiplier.run(exports)
  return { f64, at, stride, free }
}

/**
 * Who runs a product's job (TileProgram.ts): this thread alone (`onThisThread`) or threads sharing out bands of
 * tiles (Pool.ts). Each tile is computed whole by the module's one loop either way, so results are the same bits.
 */
export interface Multiplier {
  /** The record the next job is written into. */
  readonly job: Float64Array
  /** Runs the job in the record, to its end: A packed, the product multiplied and finished. */
  readonly run: (exports: GemmExports) => void
}

/**
 * Row panels in blocks of about L2_BYTES, so each B panel (k·32 bytes) meets a block of A that stays in cache instead
 * of all of A streaming past it. Every tile is still computed whole: the results do not change.
 */
const blockTiles = (k: number): number => Math.max(1, Math.floor(L2_BYTES / (k * TILE * 8)))

/** Every tile of the product on this thread: one band of all the row tiles. */
export const onThisThread = (): Multiplier => {
  const job = new Float64Array(program.JOB_LENGTH)
  return { job, run: (exports) => program.rowBand(exports, job, 0, job[F.rowTiles]!) }
}

/** Copies the m×n product, left at `at` in rows of `stride` doubles, into `out`. */
const copyOut = (f64: Float64Array, at: number, stride: number, m: number, n: number, out: Float64Array): void => {
  if (n === stride) out.set(f64.subarray(at, at + m * n)) // no padding columns: one copy
  else if (n >= 32) {
    for (let i = 0; i < m; i++) out.set(f64.subarray(at + i * stride, at + i * stride + n), i * n)
  } else {
    // Narrow products (a tall W·x over a few columns): a view per row would cost more than its few entries.
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] = f64[at + i * stride + j]!
  }
}

/**
 * The kernels over one instance's exports (exported for tests, which give it a memory that cannot grow), running
 * their jobs with `multiplier`: on this thread unless Pool.ts shares them out.
 */
export const make = (exports: GemmExports, multiplier: Multiplier = onThisThread()): WasmKernel => ({
  gemm: (m, n, k, a, ars, acs, b, brs, bcs, out) => {
    const p = product(exports, multiplier, m, n, k, a, ars, acs, b, brs, bcs, E.none, undefined, 0, 0, 0)
    if (p === undefined) return false
    copyOut(p.f64, p.at, p.stride, m, n, out)
    return true
  },
  gemmAxpy: (m, n, k, a, ars, acs, b, brs, bcs, alpha, c, out) => {
    // c is copied in after the operands, the module writes α·C + c over that copy, and it is copied out whole: two
    // memcpys and a SIMD loop cost a fifth of a JS loop reading linear memory entry by entry.
    const p = product(exports, multiplier, m, n, k, a, ars, acs, b, brs, bcs, E.axpy, c, m * n, alpha, 0)
    if (p === undefined) return false
    out.set(p.f64.subarray(p.free, p.free + m * n))
    return true
  },
  gemmBias: (m, n, k, a, ars, acs, b, brs, bcs, bias, activation, out) => {
    const epilogue = activation === 'sigmoid' ? E.biasSigmoid : E.bias
    const p = product(exports, multiplier, m, n, k, a, ars, acs, b, brs, bcs, epilogue, bias, m, 0, 0)
    if (p === undefined) return false
    copyOut(p.f64, p.at, p.stride, m, n, out)
    return true
  },
  gemmDerivative: (m, n, k, a, ars, acs, b, brs, bcs, output, derivative, out) => {
    const p = product(exports, multiplier, m, n, k, a, ars, acs, b, brs, bcs, E.derivative, output, m * n, 0, derivativeCode[derivative])
    if (p === undefined) return false
    copyOut(p.f64, p.at, p.stride, m, n, out)
    return true
  },
  timesDerivative: (derivative, g, a, out, length) => {
    // g at 0 and a after it (one copy when they are one array: relu's forward passes z as both), σ' applied over g's
    // copy as one row of `length` (the epilogue a product's rows get), then copied out.
    const same = g === a
    if (length === 0) return true
    if (!reserve(exports.memory, 8 * length * (same ? 1 : 2))) return false
    const f64 = new Float64Array(exports.memory.buffer)
    f64.set(prefix(g, length), 0)
    if (!same) f64.set(prefix(a, length), length)
    exports.derivative(1, length, length, 0, same ? 0 : 8 * length, derivativeCode[derivative])
    out.set(f64.subarray(0, length))
    return true
  },
  memoryBytes: () => exports.memory.buffer.byteLength
})

const loaded = instantiate()

/** The WebAssembly kernel, or undefined where WebAssembly SIMD is unavailable. */
export const wasmKernel: WasmKernel | undefined = loaded === undefined ? undefined : make(loaded)
