import { test as fcTest } from '@fast-check/vitest'
import fc from 'fast-check'
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import * as Threads from '../Threads.js'
import { naive, problem, sameBits } from '../testing/products.js'
import * as K from './Kernel.js'
import type { Pool } from './Pool.js'
import { pool, start } from './Pool.js'
import { program } from './TileProgram.js'
import type { WasmKernel } from './WasmKernel.js'
import { wasmKernel } from './WasmKernel.js'

const shared = pool()

/** Each method of a kernel on one problem, with every epilogue: the outputs, to compare between kernels. */
const everyMethod = (kernel: WasmKernel, p: ReturnType<typeof problem> extends fc.Arbitrary<infer P> ? P : never, seed: number) => {
  const { m, n, k, a, ars, acs, b, brs, bcs } = p
  const c = Float64Array.from({ length: m * n }, (_, q) => Math.sin(seed + q) * 10)
  const bias = Float64Array.from({ length: m }, (_, i) => Math.cos(seed + i) * 40)
  const activations = Float64Array.from({ length: m * n }, (_, q) => ((seed + q) % 7 === 0 ? 0 : Math.sin(seed * 3 + q)))
  const run = (f: (out: Float64Array) => boolean): Float64Array => {
    const out = new Float64Array(m * n)
    expect(f(out)).toBe(true)
    return out
  }
  return [
    run((out) => kernel.gemm(m, n, k, a, ars, acs, b, brs, bcs, out)),
    run((out) => kernel.gemmAxpy(m, n, k, a, ars, acs, b, brs, bcs, -0.375, c, out)),
    run((out) => kernel.gemmBias(m, n, k, a, ars, acs, b, brs, bcs, bias, 'identity', out)),
    run((out) => kernel.gemmBias(m, n, k, a, ars, acs, b, brs, bcs, bias, 'sigmoid', out)),
    ...(['sigmoid', 'tanh', 'relu'] as const).map((rule) =>
      run((out) => kernel.gemmDerivative(m, n, k, a, ars, acs, b, brs, bcs, activations, rule, out))
    )
  ]
}

describe('threads', () => {
  it('are available in Node 20, with the default count the cores (capped)', () => {
    expect(shared).toBeDefined()
    expect(Threads.available()).toBe(true)
    expect(Threads.count()).toBe(Math.min(Threads.DEFAULT_MAX, Math.max(1, Threads.requestedCount())))
  })

  // The pool's kernel shares out any product it is given (Kernel only sends it large ones), so small odd shapes
  // exercise every band boundary: row bands, column bands (few row tiles), partial last tiles, one-tile products.
  fcTest.prop([problem(41), fc.nat(), fc.constantFrom(1, 2, 3, 5)], { numRuns: 120 })(
    'give the bits of one thread for any thread count, every epilogue, rows or columns split',
    (p, seed, threads) => {
      shared!.use(threads)
      const expected = everyMethod(wasmKernel!, p, seed)
      const got = everyMethod(shared!.kernel, p, seed)
      got.forEach((out, i) => expect(sameBits(out, expected[i]!)).toBe(true))
    }
  )

  it('split wide products with few rows by columns and tall ones by rows, with the reference bits', () => {
    shared!.use(3)
    for (const [m, n, k] of [[3, 301, 17], [8, 997, 45], [301, 5, 33], [129, 130, 7]] as const) {
      const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i * 0.37))
      const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.11))
      const out = new Float64Array(m * n)
      expect(shared!.kernel.gemm(m, n, k, a, k, 1, b, n, 1, out)).toBe(true)
      expect(sameBits(out, naive(m, n, k, a, k, 1, b, n, 1))).toBe(true)
    }
  })

  it('run through Kernel for large products, with the same bits as the JS kernel for 1, 2 and 3 threads', () => {
    const m = 211, n = 199, k = 203 // past THREAD_THRESHOLD, no dimension a multiple of 4
    expect(m * n * k).toBeGreaterThanOrEqual(K.THREAD_THRESHOLD)
    const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i))
    const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i * 3))
    const product = (threads: number, backend: K.Backend) => {
      const out = new Float64Array(m * n)
      Threads.withCount(threads, () => K.withBackend(backend, () => K.gemm(m, n, k, a, k, 1, b, n, 1, out)))
      return out
    }
    const reference = product(1, 'js')
    for (const threads of [1, 2, 3]) expect(sameBits(product(threads, 'auto'), reference)).toBe(true)
  })

  it('Kernel hands the products sharesProduct picks to the threads (a dense layer\'s 128 × 64 × 784), and keeps the others on one (a convolution\'s 32 × 1024 × 144)', () => {
    const calls = (m: number, n: number, k: number): number => {
      const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i))
      const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i))
      const gemm = shared!.kernel.gemm
      let count = 0
      ;(shared!.kernel as { gemm: typeof gemm }).gemm = (...args) => (count++, gemm(...args))
      try {
        const out = new Float64Array(m * n)
        Threads.withCount(2, () => K.gemm(m, n, k, a, k, 1, b, n, 1, out))
        expect(sameBits(out, naive(m, n, k, a, k, 1, b, n, 1))).toBe(true)
      } finally {
        ;(shared!.kernel as { gemm: typeof gemm }).gemm = gemm
      }
      return count
    }
    expect(calls(128, 64, 784)).toBe(1)
    expect(calls(32, 1024, 144)).toBe(0)
  })

  it('fall back to one thread, with the same bits, for a product the shared memory cannot grow to', () => {
    const small: Pool = start(4)! // 4 pages: 256 KiB
    small.use(2)
    const n = 120 // 120×120×120 needs more
    const a = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i))
    const out = new Float64Array(n * n)
    expect(small.kernel.gemm(n, n, n, a, n, 1, a, n, 1, out)).toBe(true)
    expect(sameBits(out, naive(n, n, n, a, n, 1, a, n, 1))).toBe(true)
    expect(small.kernel.memoryBytes()).toBeLessThanOrEqual(4 * 65536)
  })

  it('hold their memory at the largest product seen, however many run', () => {
    shared!.use(2)
    const n = 96
    const a = Float64Array.from({ length: n * n }, (_, i) => Math.sin(i))
    const out = new Float64Array(n * n)
    shared!.kernel.gemm(n, n, n, a, n, 1, a, n, 1, out)
    const held = shared!.kernel.memoryBytes()
    for (let i = 0; i < 200; i++) shared!.kernel.gemm(n - (i % 9), n, n, a, n, 1, a, n, 1, out)
    expect(shared!.kernel.memoryBytes()).toBe(held)
  })

  it('setCount takes integers from 1 to MAX and says what it got otherwise; withCount restores the setting', () => {
    for (const bad of [0, -1, 1.5, NaN, Infinity, Threads.MAX + 1]) {
      expect(() => Threads.setCount(bad)).toThrow(`Threads.setCount: expected an integer from 1 to ${Threads.MAX}, got ${bad}`)
    }
    expect(() => Threads.setCount('2' as unknown as number)).toThrow(`Threads.setCount: expected an integer from 1 to ${Threads.MAX}, got "2"`)
    const before = Threads.count()
    expect(Threads.withCount(3, Threads.count)).toBe(3)
    expect(() => Threads.withCount(2, () => { throw new Error('inside') })).toThrow('inside')
    expect(Threads.count()).toBe(before)
  })

  it('poll long between jobs only while there are no more threads than cores; beyond, briefly, then sleep', () => {
    // Polling threads beyond the cores take the time the others need: the mid-size step on 8 threads of 2 vCPUs ran at
    // 0.45× one thread with every thread polling 1 ms. The caller sets the poll time with each job it publishes.
    const { control } = program.views(new SharedArrayBuffer(program.sharedBytes))
    const pollMicros = (workers: number, cores: number) => {
      program.publish(control, workers, cores)
      return control[5] // the control block's poll time (TileProgram.ts)
    }
    expect(pollMicros(1, 2)).toBe(1000)
    expect(pollMicros(3, 4)).toBe(1000)
    expect(pollMicros(2, 2)).toBe(10)
    expect(pollMicros(7, 2)).toBe(10)
  })
  it('do not keep a Node process from exiting', () => {
    const dist = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'internal', 'engine.js')
    if (!existsSync(dist)) throw new Error(`build @puregrad/tensor first: ${dist} is missing`)
    const script = `
      const { Kernel } = await import(${JSON.stringify(dist)})
      const n = 200, a = new Float64Array(n * n).fill(1), out = new Float64Array(n * n)
      Kernel.gemm(n, n, n, a, n, 1, a, n, 1, out)
      console.log(out[0])`
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20_000 })
    expect(run.stderr).toBe('')
    expect(run.stdout.trim()).toBe('200')
    expect(run.status).toBe(0)
  })
})
