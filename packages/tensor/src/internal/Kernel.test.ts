import { test as fcTest } from '@fast-check/vitest'
import fc from 'fast-check'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { pipe } from 'fp-ts/lib/function.js'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { Derivative, Forward } from './Epilogue.js'
import * as K from './Kernel.js'
import * as M from '../Matrix.js'
import { instantiate, make, wasmKernel } from './WasmKernel.js'
import { gemmBytes, gemmSharedBytes } from './wasm/gemmBytes.js'
import { dim, matrix } from '../testing/arbitraries.js'
import { naive, problem, sameBits } from '../testing/products.js'

describe('WebAssembly SIMD kernel', () => {
  it('loads in Node 20 (WebAssembly with 128-bit SIMD)', () => {
    expect(K.wasmAvailable).toBe(true)
  })
  fcTest.prop([problem()], { numRuns: 150 })('JS small, JS tiled, WASM and a naive loop agree bit for bit', (p) => {
    const run = (kernel: typeof K.gemmSmall) => {
      const out = new Float64Array(p.m * p.n)
      kernel(p.m, p.n, p.k, p.a, p.ars, p.acs, p.b, p.brs, p.bcs, out)
      return out
    }
    const reference = naive(p.m, p.n, p.k, p.a, p.ars, p.acs, p.b, p.brs, p.bcs)
    expect(sameBits(run(K.gemmSmall), reference)).toBe(true)
    expect(sameBits(run(K.gemmTiled), reference)).toBe(true)
    expect(sameBits(run(wasmKernel!.gemm), reference)).toBe(true)
  })
  /** The products with an epilogue, as Kernel and the WASM module both export them. */
  type Epilogues = Pick<typeof K, 'gemmAxpy' | 'gemmBias' | 'gemmDerivative'>
  /**
   * Runs `run` through Kernel with 'js' forced (the small loops with the epilogue per sum below TILED_THRESHOLD, the
   * tiled kernel and a pass above), 'auto', 'wasm', then on the module directly: each gives `reference`'s bits.
   */
  const expectOnEveryPath = (reference: Float64Array, run: (kernels: Epilogues, out: Float64Array) => void): void => {
    for (const [backend, kernels] of [['js', K], ['auto', K], ['wasm', K], ['wasm', wasmKernel!]] as const) {
      const out = new Float64Array(reference.length)
      K.withBackend(backend, () => run(kernels, out))
      expect(sameBits(out, reference)).toBe(true)
    }
  }
  fcTest.prop([problem(), fc.double({ noNaN: true, min: -4, max: 4 }), fc.nat()], { numRuns: 100 })(
    'gemmAxpy is α·(product) + c with the product rounded first, on every path',
    (p, alpha, seed) => {
      const c = Float64Array.from({ length: p.m * p.n }, (_, q) => Math.sin(seed + q) * 10)
      const product = naive(p.m, p.n, p.k, p.a, p.ars, p.acs, p.b, p.brs, p.bcs)
      expectOnEveryPath(product.map((s, q) => alpha * s + c[q]!), (kernels, out) =>
        kernels.gemmAxpy(p.m, p.n, p.k, p.a, p.ars, p.acs, p.b, p.brs, p.bcs, alpha, c, out)
      )
    }
  )
  /** σ as grad's sigmoid was first written, on Math.exp: on V8 the kernels' own e^x must give the same bits. */
  const mathSigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)))
  fcTest.prop([problem(), fc.nat()], { numRuns: 100 })(
    'gemmBias is the product rounded, then + bias[i], then σ for sigmoid, on every path',
    (p, seed) => {
      // Biases far out too, where σ saturates, e^x underflows or 2^k is subnormal, and NaN.
      const far = [-800, 800, -740, 40, -40, -708.5, NaN]
      const bias = Float64Array.from({ length: p.m }, (_, i) => ((seed + i) % 4 === 0 ? far[(seed + i) % far.length]! : Math.sin(seed + 3 * i) * 5))
      const z = naive(p.m, p.n, p.k, p.a, p.ars, p.acs, p.b, p.brs, p.bcs).map((s, q) => s + bias[Math.floor(q / p.n)]!)
      for (const [activation, reference] of [['identity', z], ['sigmoid', z.map(mathSigmoid)]] as const) {
        expectOnEveryPath(reference, (kernels, out) =>
          kernels.gemmBias(p.m, p.n, p.k, p.a, p.ars, p.acs, p.b, p.brs, p.bcs, bias, activation, out)
        )
      }
    }
  )
  /** σ'(a) written from a, as the activations define it (an independent statement of Epilogue.timesDerivative). */
  const derivatives: ReadonlyArray<[Derivative, (g: number, a: number) => number]> = [
    ['sigmoid', (g, a) => g * a * (1 - a)],
    ['tanh', (g, a) => g * (1 - a * a)],
    ['relu', (g, a) => (a > 0 ? g : 0)]
  ]
  /** Activation outputs with the values that decide a relu: exact zeros of both signs, NaN, tiny and negative ones. */
  const outputs = (length: number, seed: number): Float64Array => {
    const special = [0, -0, NaN, 5e-324, -1, 1, 0.5]
    return Float64Array.from({ length }, (_, q) => ((seed + q) % 5 === 0 ? special[(seed + q) % special.length]! : Math.sin(seed * 7 + q)))
  }
  fcTest.prop([problem(), fc.nat()], { numRuns: 100 })(
    'gemmDerivative is the product rounded, then ⊙ σ′(a) for sigmoid, tanh and relu, on every path',
    (p, seed) => {
      const a = outputs(p.m * p.n, seed)
      const product = naive(p.m, p.n, p.k, p.a, p.ars, p.acs, p.b, p.brs, p.bcs)
      for (const [rule, times] of derivatives) {
        expectOnEveryPath(product.map((g, q) => times(g, a[q]!)), (kernels, out) =>
          kernels.gemmDerivative(p.m, p.n, p.k, p.a, p.ars, p.acs, p.b, p.brs, p.bcs, a, rule, out)
        )
      }
    }
  )
  it('gemmBias and gemmDerivative refuse a rule they do not know, on every path, instead of applying another', () => {
    const zeros = (n: number) => new Float64Array(n)
    for (const backend of ['js', 'wasm'] as const) {
      K.withBackend(backend, () => {
      const derivative = (rule: string) => () => K.gemmDerivative(4, 4, 40, zeros(160), 40, 1, zeros(160), 4, 1, zeros(16), rule as Derivative, zeros(16))
      expect(derivative('softplus')).toThrow('Kernel.gemmDerivative: no derivative epilogue named "softplus" (sigmoid, tanh, relu)')
      expect(derivative('toString')).toThrow(/no derivative epilogue named "toString"/)
      const bias = (rule: string) => () => K.gemmBias(4, 4, 40, zeros(160), 40, 1, zeros(160), 4, 1, zeros(4), rule as Forward, zeros(16))
      expect(bias('tanh')).toThrow('Kernel.gemmBias: no activation epilogue named "tanh" (identity, sigmoid)')
      })
    }
  })
  it('reads operands that sit at the start of longer arrays, plain arrays included, without reading past them', () => {
    const long = Float64Array.from({ length: 400 }, (_, i) => Math.cos(i))
    const out = new Float64Array(13 * 7)
    wasmKernel!.gemm(13, 7, 9, long, 9, 1, long, 1, 9, out) // A 13×9 and Bᵀ 7×9 inside 400 entries
    expect(sameBits(out, naive(13, 7, 9, long, 9, 1, long, 1, 9))).toBe(true)
    const plain = Array.from(long.subarray(0, 150))
    wasmKernel!.gemm(13, 7, 9, plain, 9, 1, plain, 1, 9, out)
    expect(sameBits(out, naive(13, 7, 9, long, 9, 1, long, 1, 9))).toBe(true)
    // gemmAxpy's c may be longer too: only its first m·n entries are read.
    wasmKernel!.gemmAxpy(13, 7, 9, plain, 9, 1, plain, 1, 9, -0.5, long, out)
    expect(sameBits(out, naive(13, 7, 9, long, 9, 1, long, 1, 9).map((s, q) => -0.5 * s + long[q]!))).toBe(true)
    wasmKernel!.gemmAxpy(13, 7, 9, plain, 9, 1, plain, 1, 9, -0.5, plain, out)
    expect(sameBits(out, naive(13, 7, 9, long, 9, 1, long, 1, 9).map((s, q) => -0.5 * s + long[q]!))).toBe(true)
  })
  it('a product the memory cannot grow to returns false with out untouched, and Kernel then gives the JS bits', () => {
    // A second instance whose memory refuses to grow, as an engine does past its limit (grow throws a RangeError).
    const exports = instantiate()!
    const memory = { get buffer() { return exports.memory.buffer }, grow: () => { throw new RangeError('WebAssembly.Memory.grow(): Maximum memory size exceeded') } }
    const stuck = make({ ...exports, memory })
    const n = 400 // 400×400×400 needs more than the instance's initial pages
    const a = Float64Array.from({ length: n * n }, (_, i) => Math.cos(i))
    const out = new Float64Array(n * n).fill(7)
    expect(stuck.gemm(n, n, n, a, n, 1, a, n, 1, out)).toBe(false)
    expect(stuck.gemmBias(n, n, n, a, n, 1, a, n, 1, a, 'sigmoid', out)).toBe(false)
    expect(out.every((v) => v === 7)).toBe(true)
    expect(stuck.gemm(3, 3, 3, a, 3, 1, a, 3, 1, out)).toBe(true) // small ones still fit
    expect(sameBits(out.subarray(0, 9), naive(3, 3, 3, a, 3, 1, a, 3, 1))).toBe(true)
  })
  it('agrees on special values: −0, ±Infinity, NaN, subnormals', () => {
    // Object.is treats every NaN as equal: the promise is NaN in the same places, not the NaN's sign or payload
    // (x86 WebAssembly gives 0xfff8…, V8's own arithmetic 0x7ff8…; see the README).
    const values = [-0, 0, Infinity, -Infinity, NaN, 5e-324, -1e308, 1e308, 1, -1]
    const a = Float64Array.from({ length: 9 * 7 }, (_, i) => values[i % values.length]!)
    const b = Float64Array.from({ length: 7 * 6 }, (_, i) => values[(3 * i + 1) % values.length]!)
    const out = new Float64Array(54)
    wasmKernel!.gemm(9, 6, 7, a, 7, 1, b, 6, 1, out)
    expect(sameBits(out, naive(9, 6, 7, a, 7, 1, b, 6, 1))).toBe(true)
  })
  fcTest.prop([fc.tuple(dim(20), dim(20), dim(20)).chain(([r, k, c]) => fc.tuple(matrix(r, k), matrix(k, c)))], { numRuns: 50 })(
    'matmul and its transposed variants give the same bits with js and wasm forced',
    ([a, b]) => {
      const all = () => [pipe(a, M.matmul(b)), pipe(M.transpose(a), M.transposeMatmul(b)), pipe(a, M.matmulTranspose(M.transpose(b)))]
      const js = K.withBackend('js', all)
      const wasm = K.withBackend('wasm', all)
      js.forEach((m, i) => expect(M.equals(m, wasm[i]!)).toBe(true))
    }
  )
  it('timesDerivative (an activation\'s backward; relu\'s forward as z ⊙ relu′(z)) gives the JS bits in the module, in place too', () => {
    const specials = [-0, 0, Infinity, -Infinity, NaN, 5e-324, -5e-324, 1e308, -1e308, 0.5, -0.5, 1, -1, 2]
    fc.assert(
      fc.property(fc.constantFrom<Derivative>('sigmoid', 'tanh', 'relu'), fc.integer({ min: 0, max: 2100 }), fc.nat(), (rule, n, seed) => {
        const value = (k: number) => (k % 5 === 0 ? specials[(k * 7 + seed) % specials.length]! : Math.sin(k * 1.7 + seed) * 3)
        const g = Float64Array.from({ length: n }, (_, k) => value(k)), a = Float64Array.from({ length: n }, (_, k) => value(k + 11))
        const run = (backend: K.Backend, f: (out: Float64Array) => void, init?: Float64Array) => {
          const out = init === undefined ? new Float64Array(n) : Float64Array.from(init)
          K.withBackend(backend, () => f(out))
          return out
        }
        for (const backend of ['wasm', 'auto'] as const) {
          expect(sameBits(run(backend, (out) => K.timesDerivative(rule, g, a, out, n)), run('js', (out) => K.timesDerivative(rule, g, a, out, n)))).toBe(true)
          // g, a and out one array (relu's forward), and out = g (a backward over its own buffer)
          expect(sameBits(run(backend, (z) => K.timesDerivative(rule, z, z, z, n), g), run('js', (z) => K.timesDerivative(rule, z, z, z, n), g))).toBe(true)
          expect(sameBits(run(backend, (o) => K.timesDerivative(rule, o, a, o, n), g), run('js', (o) => K.timesDerivative(rule, o, a, o, n), g))).toBe(true)
        }
      }),
      { numRuns: 120 }
    )
    const z = Float64Array.of(-2, -0, 0, 3, NaN, 5e-324)
    const out = new Float64Array(6)
    K.withBackend('wasm', () => K.timesDerivative('relu', z, z, out, 6))
    expect(Array.from(out)).toEqual([0, 0, 0, 3, 0, 5e-324]) // relu: +0 for z ≤ 0 and NaN, z itself above
    expect(Object.is(out[1], 0)).toBe(true)
    expect(() => K.timesDerivative('softplus' as Derivative, z, z, out, 6)).toThrow('Kernel.timesDerivative: no derivative named "softplus"')
  })
  it('memory grows to the largest operation, stays bounded over 10^5 operations, and stays correct after a grow', () => {
    const big = 40
    const a = Float64Array.from({ length: big * big }, (_, i) => Math.sin(i))
    const out = new Float64Array(big * big)
    wasmKernel!.gemm(big, big, big, a, big, 1, a, big, 1, out)
    const held = wasmKernel!.memoryBytes()
    for (let t = 0; t < 100_000; t++) {
      const m = 1 + (t % big), n = 1 + ((t * 7) % big), k = 1 + ((t * 13) % big)
      wasmKernel!.gemm(m, n, k, a, k, 1, a, n, 1, out)
    }
    expect(wasmKernel!.memoryBytes()).toBe(held)
    // A larger product forces memory.grow: views must be re-created, results stay exact.
    const n = 300
    const x = Float64Array.from({ length: n * n }, (_, i) => Math.cos(i))
    const y = new Float64Array(n * n)
    wasmKernel!.gemm(n, n, n, x, n, 1, x, n, 1, y)
    expect(wasmKernel!.memoryBytes()).toBeGreaterThan(held)
    expect(sameBits(y, naive(n, n, n, x, n, 1, x, n, 1))).toBe(true)
  })
  it('withBackend forces a path for one call and restores the setting, also when the call throws', () => {
    expect(K.withBackend('js', K.currentBackend)).toBe('js')
    expect(K.withBackend('wasm', K.currentBackend)).toBe('wasm')
    expect(() => K.withBackend('js', () => { throw new Error('inside') })).toThrow('inside')
    expect(K.currentBackend()).toBe('auto')
  })
  it('the committed bytes are what wasm/gemm.wat assembles to (rebuild: pnpm --filter @puregrad/tensor build:wasm)', async () => {
    const here = dirname(fileURLToPath(import.meta.url))
    type Assemble = (wat: string) => Promise<{ own: Uint8Array; shared: Uint8Array }>
    const { assemble } = (await import(join(here, '..', '..', 'scripts', 'wasm-module.mjs'))) as { assemble: Assemble }
    const { own, shared } = await assemble(readFileSync(join(here, '..', '..', 'wasm', 'gemm.wat'), 'utf8'))
    expect(Array.from(own)).toEqual(Array.from(gemmBytes))
    expect(Array.from(shared)).toEqual(Array.from(gemmSharedBytes))
  })
})

describe('without WebAssembly SIMD the JS kernels serve', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.resetModules()
  })
  // Each environment is a fresh evaluation of the modules with a different global WebAssembly.
  const real = (globalThis as { readonly WebAssembly?: object }).WebAssembly
  const environments: ReadonlyArray<[string, unknown]> = [
    ['no WebAssembly at all', undefined],
    ['WebAssembly without SIMD (validate is false)', { ...real, validate: () => false }],
    ['compilation refused, as under a strict Content-Security-Policy', {
      ...real,
      Module: function () {
        throw new Error('Refused to compile or instantiate WebAssembly module')
      }
    }]
  ]
  it.each(environments)('%s', async (_, wasm) => {
    vi.stubGlobal('WebAssembly', wasm)
    vi.resetModules()
    const kernel = await import('./Kernel.js')
    const matrix = await import('../Matrix.js')
    expect(kernel.wasmAvailable).toBe(false)
    expect(() => kernel.useBackend('wasm')).toThrow(/not available/)
    // A product big enough for the WASM path in 'auto' still gives the reference bits.
    const n = 24
    const a = matrix.makeBy(n, n, (i, j) => Math.sin(i * n + j))
    const product = pipe(a, matrix.matmul(a))
    expect(sameBits(Float64Array.from(product.data), naive(n, n, n, a.data, n, 1, a.data, n, 1))).toBe(true)
  })
})

describe('which products are shared between threads', () => {
  it('every product from THREAD_THRESHOLD, and from SHARED_FROM those whose multiply-adds per entry copied reach SHARED_INTENSITY', () => {
    expect(K.sharesProduct(203, 204, 203)).toBe(true) // 2^23 and a little more, intensity 68
    expect(K.sharesProduct(8, 1 << 17, 8)).toBe(true) // 2^23, intensity under 4: large work alone suffices
    expect(K.sharesProduct(128, 64, 784)).toBe(true) // the mid-size network's forward product: 6.4M, intensity 40
    expect(K.sharesProduct(128, 784, 64)).toBe(true) // its dW = dz·xᵀ
    expect(K.sharesProduct(32, 1024, 144)).toBe(false) // the digits CNN's convolution: 4.7M at 25 per entry
    expect(K.sharesProduct(127, 128, 128)).toBe(false) // under SHARED_FROM
    expect(K.sharesProduct(128, 128, 128)).toBe(true) // 2^21, intensity 43
  })
})

