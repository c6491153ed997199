/**
 * The engine of reverse-mode autodiff: traced values, the tape of one call, and the reverse sweep.
 *
 * A call of `valueAndGrad(f)(params, …)` makes a `Call`: its tape is an array of small records (the primitive, the
 * ids of its traced inputs, the data its VJP saved) and lives only as long as the call. Each parameter leaf becomes a
 * `Traced` value (ids 0 … L−1); every primitive applied to a traced value appends one record and returns a new traced
 * value, whose id is L + its record's index. Constants (plain matrices, numbers) are never recorded: an op whose
 * inputs are all constant just computes. The reverse sweep walks the tape once, from the last record to the first,
 * handing each primitive the cotangent of its output and summing what it returns into its inputs' cotangents.
 *
 * Nothing here is global: two calls, nested or interleaved, have two tapes. A traced value knows its call, so one
 * that escapes its call (returned, stored, used later) is an error when used, not a silently wrong gradient; and its
 * `data` cannot be read by code outside Ad (Matrix functions would compute without recording: a wrong gradient), so
 * that is an error too, naming the way out (`Ad.stopGradient`).
 */

import type { Matrix, ReadonlyFloat64Array } from '@puregrad/tensor/Matrix'
import { ShapeError, add, shapeOf, unsafeWrap } from '@puregrad/tensor/Matrix'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

/**
 * A primitive: a forward rule and its vector-Jacobian product, side by side. `forward(inputs, attrs)` returns the
 * output and what the VJP needs (data, not a closure); `vjp(saved, g, needs)` returns ∂C/∂input for every input
 * whose `needs` flag is set (undefined for the others: a constant's cotangent is never computed).
 */
export interface Primitive<A, S> {
  readonly name: string
  readonly forward: (inputs: ReadonlyArray<Matrix>, attrs: A) => readonly [output: Matrix, saved: S]
  readonly vjp: (saved: S, g: Matrix, needs: ReadonlyArray<boolean>) => ReadonlyArray<Matrix | undefined>
  /**
   * Optional: the VJP with a gradient step fused in, for a training step with plain SGD. For every input i whose bit
   * is set in `step` (step & (1 << i): a parameter leaf used by this op alone), slot i holds θᵢ + scale·∂C/∂θᵢ instead
   * of ∂C/∂θᵢ (θᵢ the input's value), the other slots what `vjp` returns; bit for bit `Matrix.axpy(scale, vjp(…)[i])(θᵢ)`.
   */
  readonly vjpStep?: (saved: S, g: Matrix, needs: ReadonlyArray<boolean>, step: number, scale: number) => ReadonlyArray<Matrix | undefined>
}

/** What an op accepts: a traced value, a plain matrix, or a number (a 1×1 constant). */
export type Input = Matrix | number

interface Entry {
  readonly primitive: Primitive<unknown, unknown>
  /** The id of each traced input, −1 for a constant. */
  readonly inputs: ReadonlyArray<number>
  /** Whether each input is traced (its cotangent is wanted): the VJP's `needs`. */
  readonly needs: ReadonlyArray<boolean>
  readonly saved: unknown
}

/**
 * One call's tape. Its parameter leaves are traced first (ids 0 … leaves − 1, see `leaf`), then each record's output
 * gets id leaves + its index. `active` turns false when the call returns; its traced values are dead from then on.
 */
export class Call {
  readonly tape: Array<Entry> = []
  leaves = 0
  /** How many times each leaf is an op's input (or the result): a leaf used once can be stepped where it is used. */
  readonly uses: Array<number> = []
  active = true
  /** A parameter leaf as a traced value of this call. */
  leaf(value: Matrix): Traced {
    if (this.tape.length > 0) throw new Error('Ad: parameter leaves are traced before any op runs')
    this.uses.push(0)
    return new Traced(value, this.leaves++, this)
  }
}

/** A value computed from the parameters inside one call. It is a Matrix to the type system, so models type-check. */
export class Traced implements Matrix {
  readonly rows: number
  readonly cols: number
  constructor(
    readonly value: Matrix,
    readonly id: number,
    readonly call: Call
  ) {
    this.rows = value.rows
    this.cols = value.cols
  }
  get data(): ReadonlyFloat64Array {
    throw new Error(
      `Ad: a traced ${this.rows}×${this.cols} value was read outside Ad's ops (e.g. by a Matrix function), which would ` +
        `not be differentiated: use Ad's ops on it, or Ad.stopGradient(x) for a constant copy`
    )
  }
}

// -------------------------------------------------------------------------------------
// applying primitives
// -------------------------------------------------------------------------------------

/** A number as a 1×1 matrix (`new` and a store: Float64Array.of is several times slower on V8). */
export const scalar = (n: number): Matrix => {
  const data = new Float64Array(1)
  data[0] = n
  return unsafeWrap(1, 1, data)
}

const constant = scalar

/** The plain value of an input. */
export const valueOf = (x: Input): Matrix => (x instanceof Traced ? x.value : typeof x === 'number' ? constant(x) : checkMatrix(x))

const checkMatrix = (x: Matrix): Matrix => {
  if (typeof x !== 'object' || x === null || typeof x.rows !== 'number' || typeof x.cols !== 'number') {
    throw new TypeError(`Ad: expected a matrix or a number, got ${x === null ? 'null' : typeof x}`)
  }
  return x
}

/**
 * Applies a primitive: computes its output from the inputs' values and, when some input is traced, records it on
 * that call's tape and returns the output as a new traced value. Throws for a traced input whose call has ended, and
 * for traced inputs of two different calls.
 */
export const apply = <A, S>(primitive: Primitive<A, S>, inputs: ReadonlyArray<Input>, attrs: A): Matrix => {
  const n = inputs.length
  const values = new Array<Matrix>(n)
  const ids = new Array<number>(n)
  const needs = new Array<boolean>(n)
  let call: Call | undefined
  for (let i = 0; i < n; i++) {
    const x = inputs[i]!
    if (x instanceof Traced) {
      if (!x.call.active) {
        throw new Error(`Ad.${primitive.name}: a traced value was used after its valueAndGrad call ended (it escaped the function being differentiated)`)
      }
      if (call !== undefined && call !== x.call) {
        throw new Error(`Ad.${primitive.name}: traced values of two different valueAndGrad calls meet here; nested differentiation of one call's values inside another is not supported`)
      }
      call = x.call
      values[i] = x.value
      ids[i] = x.id
      needs[i] = true
      if (x.id < call.leaves) call.uses[x.id]!++
    } else {
      values[i] = valueOf(x)
      ids[i] = -1
      needs[i] = false
    }
  }
  const [output, saved] = primitive.forward(values, attrs)
  if (call === undefined) return output
  call.tape.push({ primitive: primitive as Primitive<unknown, unknown>, inputs: ids, needs, saved })
  return new Traced(output, call.leaves + call.tape.length - 1, call)
}

// -------------------------------------------------------------------------------------
// the reverse sweep
// -------------------------------------------------------------------------------------

/** A gradient step to fuse into the sweep: θ + scale·∂C/∂θ for every leaf (plain SGD's update, applied). */
export interface Step {
  readonly scale: number
}

/** What `differentiate` returns: f's value, and every leaf's cotangent at its id, or its stepped value in `stepped`. */
export interface Differentiated {
  readonly value: number
  /** Undefined where the result does not depend on the leaf, or where the leaf was stepped (entries past the leaves too). */
  readonly cotangents: ReadonlyArray<Matrix | undefined>
  /** With a Step: θ + scale·∂C/∂θ for each leaf that its one op's `vjpStep` stepped; undefined for the others. */
  readonly stepped: ReadonlyArray<Matrix | undefined>
}

/**
 * Runs `run` in a fresh call (it traces the parameter leaves with `call.leaf`, then computes f) and returns f's value
 * and the cotangent of every leaf at its id. f must return a 1×1 matrix (or a number).
 *
 * With a `step`, a leaf that is the input of one op only, an op with a `vjpStep`, comes back stepped instead (its
 * cotangent would be that op's contribution alone, so stepping it there is the same arithmetic): a dense layer's W
 * becomes W + scale·dz·xᵀ in the epilogue of the product, as the MLP's fused step does, and no gradient array is made.
 */
export const differentiate = (op: string, run: (call: Call) => Input, step?: Step): Differentiated => {
  const call = new Call()
  let result: Input
  try {
    result = run(call)
  } finally {
    call.active = false
  }
  const leaves = call.leaves
  if (typeof result === 'number') return { value: result, cotangents: new Array(leaves), stepped: new Array(leaves) }
  if (result instanceof Traced && result.call !== call) {
    throw new Error(`${op}: the function returned a traced value of another valueAndGrad call`)
  }
  if (result.rows !== 1 || result.cols !== 1) {
    throw new ShapeError(`${op}: the function must return a 1×1 matrix (a scalar loss), got ${shapeOf(result)}`)
  }
  const value = valueOf(result).data[0]!
  if (!(result instanceof Traced)) return { value, cotangents: new Array(leaves), stepped: new Array(leaves) }
  const ct = new Array<Matrix | undefined>(call.leaves + call.tape.length)
  // The ids whose ct is a sum this sweep made and has not handed to a VJP: later contributions are added into it.
  // Made on the first sum: most sweeps of a dense stack have none.
  let summed: Set<number> | undefined
  const stepped = new Array<Matrix | undefined>(step === undefined ? 0 : leaves)
  ct[result.id] = constant(1)
  if (result.id < leaves) call.uses[result.id]!++ // the result's own cotangent reaches this leaf too
  for (let k = call.tape.length - 1; k >= 0; k--) {
    const g = ct[call.leaves + k]
    if (g === undefined) continue // this value does not reach the result
    ct[call.leaves + k] = undefined // released: nothing reads it again (and g, handed to the VJP, is never written)
    const { primitive, inputs, needs, saved } = call.tape[k]!
    const flags = step === undefined || primitive.vjpStep === undefined ? 0 : steppable(call, inputs)
    const d = flags === 0 ? primitive.vjp(saved, g, needs) : primitive.vjpStep!(saved, g, needs, flags, step!.scale)
    for (let i = 0; i < inputs.length; i++) {
      const id = inputs[i]!
      if (id < 0) continue
      const di = d[i]
      if (di === undefined) throw new Error(`Ad: the VJP of ${primitive.name} returned no cotangent for its input ${i}`)
      if ((flags & (1 << i)) !== 0) {
        stepped[id] = di
        continue
      }
      const prev = ct[id]
      if (prev === undefined) ct[id] = di
      else if (summed?.has(id) === true && sameShape(prev, di)) addInto(prev, di)
      else {
        ct[id] = add(di)(prev)
        summed ??= new Set()
        summed.add(id)
      }
    }
  }
  return { value, cotangents: ct, stepped } // the leaves' cotangents are ct's first `leaves` entries
}

const sameShape = (a: Matrix, b: Matrix): boolean => a.rows === b.rows && a.cols === b.cols

/**
 * sum += d, entry by entry, for a sum this sweep allocated and nobody else has seen: the bits of `add(d)(sum)` (each
 * entry sum + d), without a new array for every further contribution (a weight used at each step of an RNN gets one
 * per step; on the machines measured, allocating an array past V8's 64-byte on-heap limit cost 2 to 4 µs).
 */
const addInto = (sum: Matrix, d: Matrix): void => {
  const out = sum.data as Float64Array
  const x = d.data
  for (let i = 0; i < out.length; i++) out[i] = out[i]! + x[i]!
}

/** Which inputs of an op are leaves used by it alone (so steppable there), as bits: 1 << i for input i; 0 for none. */
const steppable = (call: Call, inputs: ReadonlyArray<number>): number => {
  let flags = 0
  for (let i = 0; i < inputs.length && i < 31; i++) {
    const id = inputs[i]!
    if (id >= 0 && id < call.leaves && call.uses[id] === 1) flags |= 1 << i
  }
  return flags
}
