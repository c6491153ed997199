/**
 * Raw matrix-multiply kernels over flat Float64Arrays, and products with an epilogue the kernels run themselves:
 * `gemmAxpy` (a gradient step W + scale·dz·xᵀ without a dW array), `gemmBias` (a dense layer's W·x + b, or
 * σ(W·x + b)) and `gemmDerivative` (its (Wᵀ·dz) ⊙ σ'(a)); the rules are Epilogue.ts's. Code that fuses some other
 * epilogue writes the product into a fresh buffer with `gemm` and runs it there (tanh(z) over W·x + b's own buffer).
 *
 * Operands are described by strides, so one kernel serves a·b, aᵀ·b and a·bᵀ without materialising a transpose:
 * element (i, p) of the left operand is `a[i·ars + p·acs]`, element (p, j) of the right one is `b[p·brs + j·bcs]`.
 *
 * Summation order is part of the contract: every output starts at +0 and adds its products in ascending p with
 * one accumulator, in every path. So the small path, the tiled path, the WebAssembly SIMD path (WasmKernel.ts)
 * and a naive triple loop agree bit for bit.
 *
 * The kernels write only the `out` buffer they are given; callers pass a fresh buffer and expose it as readonly.
 *
 * @since 0.1.0
 */

import type { Derivative, Forward } from './Epilogue.js'
import { addBias, applySigmoid, derivativeRule, sigmoid, timesDerivative as derivativeRules } from './Epilogue.js'
import { requestedCount } from '../Threads.js'
import { pool } from './Pool.js'
import type { WasmKernel } from './WasmKernel.js'
import { wasmKernel } from './WasmKernel.js'

/** Below this many multiply-adds, packing costs more than it saves: a plain strided loop runs. */
export const TILED_THRESHOLD = 4096

/**
 * From this many multiply-adds (m·n·k) up, the WebAssembly SIMD kernel runs where available: below it, copying the
 * operands into its memory costs more than the faster loop saves (the crossover was measured near 8×8×8; see
 * apps/bench/results/2026-11-25.md).
 */
export const WASM_THRESHOLD = 512

/**
 * From this many multiply-adds up (about 203³), a product is shared between threads when more than one is set
 * (Threads.ts), whatever its shape. Sharing costs the operands copied into and out of shared memory (about twice as
 * slow as into the single-threaded module's own), a worker's wake-up, and on a 2-vCPU machine the other thread's slower
 * pace; from here it always saves more. See {@link sharesProduct} for the smaller products that are shared too.
 */
export const THREAD_THRESHOLD = 1 << 23

/** From this many multiply-adds (128³) up, a product whose intensity is at least SHARED_INTENSITY is shared. */
export const SHARED_FROM = 1 << 21

/**
 * Multiply-adds per entry copied (m·n·k / (m·k + k·n + m·n)): the work a thread saves per entry that sharing costs in
 * copies. A dense layer's products on a batch of 64 ([784, 128, 10]: 40) reach it; a convolution's short products
 * (the digits CNN's 32 × 144 × 1024: 25) do not.
 */
export const SHARED_INTENSITY = 32

/**
 * Whether an m×k by k×n product is shared between threads (when more than one is set): from THREAD_THRESHOLD
 * multiply-adds, or from SHARED_FROM when its intensity is at least SHARED_INTENSITY. With it the mid-size network's
 * step gained on 2 vCPUs and the digits CNN's, whose products lose time when shared, kept them on one thread
 * (apps/bench/results/2026-12-01-threads.md per shape, 2026-12-02.md for the rule).
 */
export const sharesProduct = (m: number, n: number, k: number): boolean => {
  const work = m * n * k
  return work >= THREAD_THRESHOLD || (work >= SHARED_FROM && work >= SHARED_INTENSITY * (m * k + k * n + m * n))
}

/** The operands of a product: A is m×k with A(i, p) = a[i·ars + p·acs], B is k×n with B(p, j) = b[p·brs + j·bcs]. */
type Operands = [
  m: number,
  n: number,
  k: number,
  a: ArrayLike<number>,
  ars: number,
  acs: number,
  b: ArrayLike<number>,
  brs: number,
  bcs: number
]

/**
 * A matrix-multiply kernel: out[i·n + j] = Σ_p A(i, p)·B(p, j) for i < m, j < n, p < k (row-major m×n output).
 * Every kernel here sums in the same order.
 */
export type Gemm = (...args: [...Operands, out: Float64Array]) => void

/**
 * A product with an axpy epilogue: out[i·n + j] = α·Σ_p A(i, p)·B(p, j) + c[i·n + j], the sum rounded first, exactly
 * as `gemm` followed by `out[q] = α·out[q] + c[q]` (a gradient step W + scale·dz·xᵀ with no separate pass on WASM).
 * `out` must be a fresh buffer: not c, a or b (the JS paths write the product into it before reading c).
 */
export type GemmAxpy = (...args: [...Operands, alpha: number, c: ArrayLike<number>, out: Float64Array]) => void

/**
 * A dense layer's forward product: out[i·n + j] = act(Σ_p A(i, p)·B(p, j) + bias[i]), the sum rounded first, exactly
 * as `gemm` followed by Epilogue.addBias, then Epilogue.applySigmoid for 'sigmoid' (z = W·x + b, or σ(z)).
 */
export type GemmBias = (...args: [...Operands, bias: ArrayLike<number>, activation: Forward, out: Float64Array]) => void

/**
 * A dense layer's backward product: out[q] = g[q]·σ'(output[q]) with g = A·B (da = Wᵀ·dz) and `output` the m×n
 * activation output a = σ(z), exactly as `gemm` followed by Epilogue.timesDerivative[derivative].
 */
export type GemmDerivative = (
  ...args: [...Operands, output: ArrayLike<number>, derivative: Derivative, out: Float64Array]
) => void

/** Which kernels `gemm` may use: 'auto' picks by size; 'js' and 'wasm' force one (tests, benchmarks). */
/**
 * out[q] = g[q]·σ'(a[q]) for q < length, σ' from the activation's output a (Epilogue.timesDerivative's rules); `out` may
 * be g or a. relu(z) itself is z ⊙ relu'(z): `timesDerivative('relu', z, z, out, n)`.
 */
export type TimesDerivative = (derivative: Derivative, g: ArrayLike<number>, a: ArrayLike<number>, out: Float64Array, length: number) => void

export type Backend = 'auto' | 'js' | 'wasm'

let backend: Backend = 'auto'

/** True when the WebAssembly SIMD kernel loaded in this environment. */
export const wasmAvailable: boolean = wasmKernel !== undefined

/**
 * Chooses the kernels for every later product. Results never depend on it (every path is bit-identical), only speed.
 * Throws when 'wasm' is asked for where WebAssembly SIMD is unavailable.
 */
export const useBackend = (next: Backend): void => {
  if (next === 'wasm' && wasmKernel === undefined) throw new Error('Kernel.useBackend: WebAssembly SIMD is not available here')
  backend = next
}

/**
 * Runs `f` with `backend` in force and restores the previous setting afterwards, even when `f` throws: the way
 * tests and tools force a path, without leaving a global setting behind for the next one to reset.
 */
export const withBackend = <A>(backend: Backend, f: () => A): A => {
  const previous = currentBackend()
  useBackend(backend)
  try {
    return f()
  } finally {
    useBackend(previous)
  }
}

/** The backend setting in force. */
export const currentBackend = (): Backend => backend

/** The product by whichever kernel the backend setting and the size choose (see {@link Gemm}). */
export const gemm: Gemm = (m, n, k, a, ars, acs, b, brs, bcs, out) => {
  const wasm = wasmFor(m, n, k)
  if (wasm !== undefined && wasm.gemm(m, n, k, a, ars, acs, b, brs, bcs, out)) return
  gemmJs(m, n, k, a, ars, acs, b, brs, bcs, out)
}

/**
 * The product with an axpy epilogue (see {@link GemmAxpy}), by whichever kernel `gemm` would use. The WebAssembly
 * module runs the epilogue itself; the JS paths in a pass after the product: the same operations.
 */
export const gemmAxpy: GemmAxpy = (m, n, k, a, ars, acs, b, brs, bcs, alpha, c, out) => {
  const wasm = wasmFor(m, n, k)
  if (wasm === undefined && m * n * k < TILED_THRESHOLD) {
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) out[i * n + j] = alpha * dot(k, a, i * ars, acs, b, brs, j * bcs) + c[i * n + j]
    }
    return
  }
  if (wasm !== undefined && wasm.gemmAxpy(m, n, k, a, ars, acs, b, brs, bcs, alpha, c, out)) return
  gemmJs(m, n, k, a, ars, acs, b, brs, bcs, out)
  for (let q = 0; q < m * n; q++) out[q] = alpha * out[q] + c[q]
}

/**
 * W·x + b, or σ(W·x + b), in one call (see {@link GemmBias}): the WebAssembly module adds the bias and applies σ
 * before copying out.
 */
export const gemmBias: GemmBias = (m, n, k, a, ars, acs, b, brs, bcs, bias, activation, out) => {
  // Names from untyped code must not reach the module, which would read an unknown one's number as another rule's.
  // (Comparisons, not a lookup: this runs on every layer of every step, XOR's included.)
  if (activation !== 'identity' && activation !== 'sigmoid') {
    throw new Error(`Kernel.gemmBias: no activation epilogue named ${JSON.stringify(activation)} (identity, sigmoid)`)
  }
  const wasm = wasmFor(m, n, k)
  if (wasm === undefined && m * n * k < TILED_THRESHOLD) {
    const then = activation === 'sigmoid'
    for (let i = 0; i < m; i++) {
      const bi = bias[i]
      for (let j = 0; j < n; j++) {
        const z = dot(k, a, i * ars, acs, b, brs, j * bcs) + bi
        out[i * n + j] = then ? sigmoid(z) : z
      }
    }
    return
  }
  if (wasm !== undefined && wasm.gemmBias(m, n, k, a, ars, acs, b, brs, bcs, bias, activation, out)) return
  gemmJs(m, n, k, a, ars, acs, b, brs, bcs, out)
  addBias(out, bias, m, n)
  if (activation === 'sigmoid') applySigmoid(out, out, m * n)
}

/** (Wᵀ·dz) ⊙ σ'(a) in one call (see {@link GemmDerivative}): the WebAssembly module applies σ' before copying out. */
export const gemmDerivative: GemmDerivative = (m, n, k, a, ars, acs, b, brs, bcs, output, derivative, out) => {
  if (derivative !== 'sigmoid' && derivative !== 'tanh' && derivative !== 'relu') {
    throw new Error(`Kernel.gemmDerivative: no derivative epilogue named ${JSON.stringify(derivative)} (sigmoid, tanh, relu)`)
  }
  const wasm = wasmFor(m, n, k)
  if (wasm === undefined && m * n * k < TILED_THRESHOLD) {
    const rule = derivativeRule[derivative]
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) out[i * n + j] = rule(dot(k, a, i * ars, acs, b, brs, j * bcs), output[i * n + j])
    }
    return
  }
  if (wasm !== undefined && wasm.gemmDerivative(m, n, k, a, ars, acs, b, brs, bcs, output, derivative, out)) return
  gemmJs(m, n, k, a, ars, acs, b, brs, bcs, out)
  derivativeRules[derivative](out, output, out, m * n)
}

/**
 * g ⊙ σ'(a) over whole arrays (an activation's backward, and relu's forward as z ⊙ relu'(z)): in the WebAssembly module
 * from ELEMENTWISE_THRESHOLD entries up, two lanes at a time and with no branch per entry (relu's JS loop is a
 * comparison per entry, mispredicted half the time on a layer's signs), else in JS: the same bits either way.
 */
export const timesDerivative: TimesDerivative = (derivative, g, a, out, length) => {
  if (derivative !== 'sigmoid' && derivative !== 'tanh' && derivative !== 'relu') {
    throw new Error(`Kernel.timesDerivative: no derivative named ${JSON.stringify(derivative)} (sigmoid, tanh, relu)`)
  }
  const wasm = wasmKernel !== undefined && (backend === 'wasm' || (backend === 'auto' && length >= ELEMENTWISE_THRESHOLD))
  if (wasm && wasmKernel!.timesDerivative(derivative, g, a, out, length)) return
  derivativeRules[derivative](g, a, out, length)
}

/**
 * From this many entries up, timesDerivative copies into the module: below, the copies cost more than the SIMD loop
 * saves.
 */
export const ELEMENTWISE_THRESHOLD = 1024

const useWasm = (work: number): boolean => backend === 'wasm' || (backend === 'auto' && work >= WASM_THRESHOLD)

/**
 * Whether gemm, gemmBias, gemmAxpy and gemmDerivative run a product of this many multiply-adds (m·n·k) by their
 * reference loop ({@link gemmSmall}: one sum per output from +0 in ascending p, the epilogue applied to each sum). Code
 * that writes that loop out inline for speed (grad's small fused step) runs it only where the kernels would, so a
 * forced backend still reaches the kernel it names.
 */
export const usesSmallLoop = (work: number): boolean => work < TILED_THRESHOLD && (wasmKernel === undefined || !useWasm(work))

/**
 * The WebAssembly kernel for an m×k by k×n product, or undefined when the JS kernels should run: the threads' kernel
 * when more than one thread is set and the product is worth sharing (sharesProduct), else the single-threaded one.
 */
const wasmFor = (m: number, n: number, k: number): WasmKernel | undefined => {
  if (wasmKernel === undefined || !useWasm(m * n * k)) return undefined
  if (!sharesProduct(m, n, k)) return wasmKernel
  const threads = requestedCount()
  if (threads === 1) return wasmKernel
  const shared = pool()
  if (shared === undefined) return wasmKernel
  shared.use(threads)
  return shared.kernel
}

const gemmJs: Gemm = (m, n, k, a, ars, acs, b, brs, bcs, out) => {
  if (m * n * k < TILED_THRESHOLD) gemmSmall(m, n, k, a, ars, acs, b, brs, bcs, out)
  else gemmTiled(m, n, k, a, ars, acs, b, brs, bcs, out)
}

/**
 * Σ_p A(i, p)·B(p, j) from +0 in ascending p (ai = i·ars, bj = j·bcs): the reference loop's dot product, which the
 * small products with an epilogue (gemmAxpy, gemmBias, gemmDerivative below TILED_THRESHOLD on the JS path) share,
 * applying their epilogue to each sum as soon as it is formed: the same operations as a pass after the product,
 * without the pass (on XOR's 2×2 layers the passes and their calls cost more than the arithmetic).
 */
const dot = (k: number, a: ArrayLike<number>, ai: number, acs: number, b: ArrayLike<number>, brs: number, bj: number): number => {
  let s = 0
  for (let p = 0; p < k; p++) s += a[ai + p * acs] * b[p * brs + bj]
  return s
}

/** The reference loop: one dot product per output. Also the fast path for tiny operands (XOR's 2×2 layers). */
export const gemmSmall: Gemm = (m, n, k, a, ars, acs, b, brs, bcs, out) => {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) out[i * n + j] = dot(k, a, i * ars, acs, b, brs, j * bcs)
  }
}

const TILE = 4

/**
 * Packs rows [0, m) of A into panels of TILE rows, interleaved by p: panel[(t·k + p)·TILE + r] = A(t·TILE + r, p).
 * Rows past m are zero; the products they feed are never written out.
 */
const packRows = (m: number, k: number, a: ArrayLike<number>, rs: number, cs: number): Float64Array => {
  const tiles = Math.ceil(m / TILE)
  const packed = new Float64Array(tiles * k * TILE)
  for (let i = 0; i < m; i++) {
    const base = Math.floor(i / TILE) * k * TILE + (i % TILE)
    const ai = i * rs
    for (let p = 0; p < k; p++) packed[base + p * TILE] = a[ai + p * cs]
  }
  return packed
}

/**
 * 4×4 register tiles over packed panels: 16 accumulators, each summing ascending p from +0.
 * A and B are each read once into panels, so every variant (a·b, aᵀ·b, a·bᵀ) runs the same contiguous inner loop.
 */
export const gemmTiled: Gemm = (m, n, k, a, ars, acs, b, brs, bcs, out) => {
  const ap = packRows(m, k, a, ars, acs)
  // Bᵀ's rows are B's columns: B(p, j) = Bᵀ(j, p), at b[j·bcs + p·brs].
  const bp = packRows(n, k, b, bcs, brs)
  const rowTiles = Math.ceil(m / TILE)
  const colTiles = Math.ceil(n / TILE)
  const stride = k * TILE
  for (let tj = 0; tj < colTiles; tj++) {
    const bo = tj * stride
    for (let ti = 0; ti < rowTiles; ti++) {
      const ao = ti * stride
      let c00 = 0, c01 = 0, c02 = 0, c03 = 0
      let c10 = 0, c11 = 0, c12 = 0, c13 = 0
      let c20 = 0, c21 = 0, c22 = 0, c23 = 0
      let c30 = 0, c31 = 0, c32 = 0, c33 = 0
      for (let p = 0; p < stride; p += TILE) {
        const a0 = ap[ao + p], a1 = ap[ao + p + 1], a2 = ap[ao + p + 2], a3 = ap[ao + p + 3]
        const b0 = bp[bo + p], b1 = bp[bo + p + 1], b2 = bp[bo + p + 2], b3 = bp[bo + p + 3]
        c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3
        c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3
        c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3
        c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3
      }
      const i0 = ti * TILE
      const j0 = tj * TILE
      const rowsHere = Math.min(TILE, m - i0)
      const colsHere = Math.min(TILE, n - j0)
      if (rowsHere === TILE && colsHere === TILE) {
        let o = i0 * n + j0
        out[o] = c00; out[o + 1] = c01; out[o + 2] = c02; out[o + 3] = c03
        o += n
        out[o] = c10; out[o + 1] = c11; out[o + 2] = c12; out[o + 3] = c13
        o += n
        out[o] = c20; out[o + 1] = c21; out[o + 2] = c22; out[o + 3] = c23
        o += n
        out[o] = c30; out[o + 1] = c31; out[o + 2] = c32; out[o + 3] = c33
      } else {
        const tile = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33]
        for (let r = 0; r < rowsHere; r++) {
          for (let c = 0; c < colsHere; c++) out[(i0 + r) * n + j0 + c] = tile[r * TILE + c]
        }
      }
    }
  }
}
