/**
 * The part of a WebAssembly product that can be shared between threads, written once for one thread and many: a band
 * of whole 4×4 output tiles is packed (its rows of A), multiplied (in cache blocks) and finished (the epilogue over
 * its rows) by the module's functions, and threads claim bands of a published job from a control block.
 *
 * Everything lives in one self-contained function, `tileProgram`, so that its source text can start a worker
 * (Pool.ts): it may not refer to anything outside itself, types aside.
 *
 * Same bits for any split: a tile is always computed whole by the module's one loop (ascending p from +0), and an
 * epilogue is elementwise, so which thread takes which band, and how many bands there are, cannot change a result.
 *
 * @since 0.2.0
 */

/** The module's functions a band uses (wasm/gemm.wat). */
export interface TileExports {
  readonly gemm: (rowTiles: number, colTiles: number, k: number, ap: number, bp: number, out: number, stride: number) => void
  readonly pack: (src: number, tiles: number, k: number, rs: number, cs: number, dst: number) => void
  readonly axpy: (m: number, n: number, stride: number, alpha: number, src: number, c: number) => void
  readonly bias: (m: number, stride: number, src: number, bias: number) => void
  readonly biasSigmoid: (m: number, stride: number, src: number, bias: number) => void
  readonly derivative: (m: number, n: number, stride: number, src: number, a: number, rule: number) => void
}

/** What a worker is started with (structured-cloned): the compiled module, the shared memory and control block. */
export interface WorkerData {
  readonly module: object
  readonly memory: object
  readonly control: SharedArrayBuffer
  /** Its number among the workers, from 0. */
  readonly index: number
}

/**
 * The program. A job is a Float64Array record (field indices in `Field`; addresses in bytes of linear memory):
 * the m×n product of packed A (row panels at `ap`, rowTiles of them) and packed B (column panels at `bp`) into rows of
 * `stride` doubles at `out`, with A's rows still to be packed from its raw copy at `aRaw` (row i, column p at
 * aRaw + 8·(i·ars + p·acs); `aFull` full panels, a partial last one already packed), and an epilogue over the result's
 * rows: none, axpy (c at `extra`, scaled by `alpha`), bias (at `extra`), bias then σ, or σ' (rule `rule`, a at `extra`).
 *
 * Bands run along rows (`axis` 0: pack, multiply and finish their rows) or, for products with few row tiles, along
 * columns (`axis` 1: multiply only; A is packed before and the epilogue run after, by the caller's thread).
 *
 * The control block (Int32Array over a SharedArrayBuffer; the job record follows it in the same buffer):
 *   0 claim word: (job number mod 2^20) << 12 | next band. A thread claims a band by compare-and-exchange of the word
 *     it read, so a claim succeeds only while that job is still being handed out; a thread that read an old job's
 *     word, or whose read of the record raced the next job, fails the exchange and reads again.
 *   1 bands done (the caller waits on it)
 *   2 workers that take part: worker i claims bands only while i < this (the thread count can be lowered)
 *   3 workers asleep on the claim word, 4 whether the caller is asleep on bands done: a thread that changes a word
 *     calls Atomics.notify only when someone sleeps on it (a wake-up is a system call, tens of µs on the virtual
 *     machines measured). Each side stores its own word, then reads the other's (all sequentially consistent), and
 *     Atomics.wait checks the word it sleeps on atomically with going to sleep, so a wake-up is never missed.
 *   5 how long a thread polls before it sleeps, in µs (see `spin`), set by the caller with each job.
 * A job's record is written before its claim word is published (Atomics.store), and not again until all its bands
 * are done, which needs every claim of it to have been made.
 */
export function tileProgram() {
  const Field = {
    m: 0, n: 1, k: 2, rowTiles: 3, colTiles: 4, ap: 5, bp: 6, out: 7, stride: 8, aRaw: 9, ars: 10, acs: 11, aFull: 12,
    block: 13, epilogue: 14, extra: 15, alpha: 16, rule: 17, axis: 18, per: 19, bands: 20
  } as const
  const JOB_LENGTH = 21
  const Epilogue = { none: 0, axpy: 1, bias: 2, biasSigmoid: 3, derivative: 4 } as const
  const CLAIM = 0, DONE = 1, ACTIVE = 2, ASLEEP = 3, CALLER_ASLEEP = 4, POLL_MICROS = 5
  /** Int32 slots before the job record (a multiple of 2, so the record is 8-byte aligned). */
  const CONTROL_SLOTS = 6
  const BAND_BITS = 12
  const BAND_MASK = (1 << BAND_BITS) - 1
  /**
   * How long threads poll before they sleep, in µs, when there are no more threads than cores: longer than the gaps
   * between a training step's large products, so that a worker is still polling when the next one is published. A
   * sleep costs both sides: on the 2-vCPU virtual machines measured, Atomics.notify took the publishing thread some
   * 45 µs and the worker began some 45 µs after that, against 1 to 3 µs from a poll (apps/bench/results/2026-12-02.md,
   * "Waiting").
   */
  const POLL_LONG = 1000
  /**
   * With more threads than cores, the pollers would take the cores the others need (the mid-size step on 8 threads of
   * 2 vCPUs ran at 0.45× one thread polling 1 ms, 1.08× polling this long): they poll briefly, then sleep.
   */
  const POLL_SHORT = 10
  /** Polls between two readings of the clock (a poll is a few ns, a reading tens). */
  const POLLS_PER_READING = 256
  const clock: { now(): number } = (globalThis as unknown as { performance?: { now(): number } }).performance ?? Date

  /**
   * Polls control[slot] for the job's poll time (control[POLL_MICROS]); true as soon as it differs from `seen`, false
   * if the caller should sleep.
   */
  const spin = (control: Int32Array, slot: number, seen: number): boolean => {
    const until = clock.now() + Atomics.load(control, POLL_MICROS) / 1000
    do {
      for (let i = 0; i < POLLS_PER_READING; i++) if (Atomics.load(control, slot) !== seen) return true
    } while (clock.now() < until)
    return false
  }

  /** The epilogue over rows [r0, r1) of the finished product. */
  const finish = (x: TileExports, job: Float64Array, r0: number, r1: number): void => {
    const code = job[Field.epilogue]!
    if (code === Epilogue.none || r1 <= r0) return
    const n = job[Field.n]!, stride = job[Field.stride]!, extra = job[Field.extra]!
    const src = job[Field.out]! + 8 * r0 * stride
    if (code === Epilogue.axpy) x.axpy(r1 - r0, n, stride, job[Field.alpha]!, src, extra + 8 * r0 * n)
    else if (code === Epilogue.bias) x.bias(r1 - r0, stride, src, extra + 8 * r0)
    else if (code === Epilogue.biasSigmoid) x.biasSigmoid(r1 - r0, stride, src, extra + 8 * r0)
    else x.derivative(r1 - r0, n, stride, src, extra + 8 * r0 * n, job[Field.rule]!)
  }

  /**
   * Row tiles [from, to): packs their full panels of A, multiplies them by all of B in cache blocks, then finishes
   * their rows. Across bands, every row tile is packed, multiplied and finished exactly once.
   */
  const rowBand = (x: TileExports, job: Float64Array, from: number, to: number): void => {
    const k = job[Field.k]!, ap = job[Field.ap]!, stride = job[Field.stride]!, out = job[Field.out]!, block = job[Field.block]!
    const colTiles = job[Field.colTiles]!, bp = job[Field.bp]!, panelBytes = 32 * k
    const full = Math.min(to, job[Field.aFull]!)
    if (full > from) {
      const ars = job[Field.ars]!
      x.pack(job[Field.aRaw]! + 32 * from * ars, full - from, k, ars, job[Field.acs]!, ap + from * panelBytes)
    }
    for (let t = from; t < to; t += block) {
      x.gemm(Math.min(block, to - t), colTiles, k, ap + t * panelBytes, bp, out + 32 * t * stride, stride)
    }
    finish(x, job, 4 * from, Math.min(job[Field.m]!, 4 * to))
  }

  /** Column tiles [from, to) against every row tile (A already packed), in cache blocks of rows; no epilogue. */
  const columnBand = (x: TileExports, job: Float64Array, from: number, to: number): void => {
    const k = job[Field.k]!, ap = job[Field.ap]!, stride = job[Field.stride]!, block = job[Field.block]!
    const rowTiles = job[Field.rowTiles]!, panelBytes = 32 * k
    const bp = job[Field.bp]! + from * panelBytes, out = job[Field.out]! + 32 * from
    for (let t = 0; t < rowTiles; t += block) {
      x.gemm(Math.min(block, rowTiles - t), to - from, k, ap + t * panelBytes, bp, out + 32 * t * stride, stride)
    }
  }

  /** Band `band` of the job. */
  const runBand = (x: TileExports, job: Float64Array, band: number): void => {
    const per = job[Field.per]!, from = band * per
    if (job[Field.axis] === 0) rowBand(x, job, from, Math.min(from + per, job[Field.rowTiles]!))
    else columnBand(x, job, from, Math.min(from + per, job[Field.colTiles]!))
  }

  /** Claims and runs bands of the published job until none is left; returns the claim word last seen. */
  const work = (x: TileExports, control: Int32Array, job: Float64Array): number => {
    for (;;) {
      const word = Atomics.load(control, CLAIM)
      const band = word & BAND_MASK
      const bands = job[Field.bands]!
      if (band >= bands) return word
      if (Atomics.compareExchange(control, CLAIM, word, word + 1) !== word) continue
      runBand(x, job, band)
      if (Atomics.add(control, DONE, 1) + 1 === bands && Atomics.load(control, CALLER_ASLEEP) !== 0) Atomics.notify(control, DONE)
    }
  }

  /** The control block and job record over a shared buffer of `byteLength(…)` bytes. */
  const views = (buffer: SharedArrayBuffer) => ({
    control: new Int32Array(buffer, 0, CONTROL_SLOTS),
    job: new Float64Array(buffer, 4 * CONTROL_SLOTS, JOB_LENGTH)
  })

  /**
   * Worker `index`'s life: instantiate the module over the shared memory, then work whenever a job is published (and
   * it takes part), sleeping until the claim word changes.
   */
  const serve = (data: WorkerData): void => {
    const wasm = (globalThis as unknown as { WebAssembly: { Instance: new (m: object, i: object) => { exports: TileExports } } }).WebAssembly
    const x = new wasm.Instance(data.module, { env: { memory: data.memory } }).exports
    const { control, job } = views(data.control)
    for (;;) {
      const seen = data.index < Atomics.load(control, ACTIVE) ? work(x, control, job) : Atomics.load(control, CLAIM)
      if (!spin(control, CLAIM, seen)) {
        Atomics.add(control, ASLEEP, 1)
        Atomics.wait(control, CLAIM, seen)
        Atomics.sub(control, ASLEEP, 1)
      }
    }
  }

  /**
   * Publishes the job already written into the record, shared by `workers` workers besides the caller (the caller's
   * thread only, between jobs), whose threads poll long when there are at most as many as `cores`: the claim word of
   * the next job number with band 0, then wakes the workers that sleep.
   */
  const publish = (control: Int32Array, workers: number, cores: number): void => {
    Atomics.store(control, POLL_MICROS, workers + 1 <= cores ? POLL_LONG : POLL_SHORT)
    Atomics.store(control, ACTIVE, workers)
    Atomics.store(control, DONE, 0)
    const next = ((Atomics.load(control, CLAIM) >>> BAND_BITS) + 1) & ((1 << (32 - BAND_BITS)) - 1)
    Atomics.store(control, CLAIM, next << BAND_BITS)
    if (Atomics.load(control, ASLEEP) !== 0) Atomics.notify(control, CLAIM)
  }

  /** Blocks the caller's thread until every band of the published job is done. */
  const awaitDone = (control: Int32Array, job: Float64Array): void => {
    const bands = job[Field.bands]!
    for (let done = Atomics.load(control, DONE); done < bands; done = Atomics.load(control, DONE)) {
      if (!spin(control, DONE, done)) {
        Atomics.store(control, CALLER_ASLEEP, 1)
        Atomics.wait(control, DONE, done)
        Atomics.store(control, CALLER_ASLEEP, 0)
      }
    }
  }

  return {
    Field, Epilogue, JOB_LENGTH, maxBands: BAND_MASK + 1, sharedBytes: 4 * CONTROL_SLOTS + 8 * JOB_LENGTH,
    finish, rowBand, columnBand, work, views, serve, publish, awaitDone
  }
}

/** The program, for this thread. */
export const program = tileProgram()
