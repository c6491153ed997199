/**
 * Model files: a readable, stable JSON format that other tools can write too.
 *
 * ```json
 * { "format": "puregrad/mlp", "version": 1,
 *   "spec": { "widths": [2, 2, 1], "activations": ["sigmoid", "sigmoid"], "loss": "binaryCrossEntropy", "reduction": "sum" },
 *   "layers": [ { "W": [[0.1, -0.2], [0.3, 0.4]], "b": [0.0, 0.1] }, { "W": [[0.5, -0.6]], "b": [0.2] } ] }
 * ```
 * W is an array of rows (out × in), b a flat array of length out. `decodeModel` checks the format tag and version,
 * the spec, every shape and that every number is finite, and names the path of each problem.
 * `decodeModel(encodeModel(m))` is bit-identical; through JSON text too, except that JSON writes −0 as 0.
 *
 * @since 0.1.0
 */

import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'
import * as Act from '@puregrad/grad/Activation'
import type { ActivationName } from '@puregrad/grad/Activation'
import * as Loss from '@puregrad/grad/Loss'
import type { LossName, Reduction } from '@puregrad/grad/Loss'
import type { ImageShape } from '@puregrad/grad/Ad'
import * as M from '@puregrad/tensor/Matrix'
import * as T from '@puregrad/tensor/Tree'
import { pathUnder } from '@puregrad/tensor/Tree'
import { MAX_ERRORS, describe, formatErrors, total } from './errors.js'
import type { Params } from './Mlp.js'
import type { MlpSpec } from './Spec.js'
import type { LayerSpec } from './Spec.js'
import { isLayered, parameterCountOf, parameterisedLayersOf, validateSpec, widthsOf } from './Spec.js'

// -------------------------------------------------------------------------------------
// codecs
// -------------------------------------------------------------------------------------

export const FORMAT = 'puregrad/mlp'
/** Version 1 holds a widths spec; version 2 a list of layers. Both are read; each spec is written in its own. */
export const VERSION = 1
export const LAYERED_VERSION = 2

const keysOf = <K extends string>(names: ReadonlyArray<K>): Record<K, null> =>
  Object.fromEntries(names.map((n) => [n, null])) as Record<K, null>

export const ActivationNameC = t.keyof(keysOf<ActivationName>(Act.names), 'an activation name')
/** A loss name; `meanSquaredError` (squaredError's former name) still decodes. */
export const LossNameC = t.keyof(keysOf<LossName>([...Loss.names, 'meanSquaredError']), 'a loss name')
export const ReductionC = t.keyof({ sum: null, mean: null }, '"sum" or "mean"')

export const SpecJson = t.type({
  widths: t.array(t.number),
  activations: t.array(ActivationNameC),
  loss: LossNameC,
  reduction: ReductionC
})

export const LayerJson = t.type({ W: t.array(t.array(t.number)), b: t.array(t.number) })

export const ModelJson = t.type({
  format: t.literal(FORMAT),
  version: t.literal(VERSION),
  spec: SpecJson,
  layers: t.array(LayerJson)
})

/** A layer of a version-2 spec as JSON: its kind and that kind's fields (the kind's own checks read them). */
export interface LayerSpecJson {
  readonly kind: string
  readonly [field: string]: unknown
}

/** A model file: version 1 with a widths spec, or version 2 with a list of layers. */
export type ModelJson =
  | t.TypeOf<typeof ModelJson>
  | {
      readonly format: typeof FORMAT
      readonly version: typeof LAYERED_VERSION
      readonly spec: { readonly inputs: number | ImageShape; readonly layers: ReadonlyArray<LayerSpecJson>; readonly loss: LossName; readonly reduction: Reduction }
      readonly layers: ReadonlyArray<t.TypeOf<typeof LayerJson>>
    }

/** A spec with its parameters. */
export interface Model {
  readonly spec: MlpSpec
  readonly params: Params
}

// -------------------------------------------------------------------------------------
// limits
// -------------------------------------------------------------------------------------

/**
 * The most parameters (weights and biases) `decodeModel` accepts unless told otherwise: 2^24, a 128 MiB Float64
 * copy and a JSON text near V8's largest string. A model is refused from its spec, before any layer is read.
 */
export const MAX_PARAMETERS = 2 ** 24

/** The most layers a spec may name: a bound on what a file can make the decoder read before its size is known. */
export const MAX_LAYERS = 1024

/**
 * The most values one example may have at any layer (inputs included): 2^24, as MAX_PARAMETERS. A convolution's
 * output is filters·OH·OW values per example, which a few small numbers in a spec can make huge.
 */
export const MAX_VALUES_PER_EXAMPLE = 2 ** 24

/** Weights and biases of a network with these widths: Σ_l (widths[l] + 1)·widths[l + 1]. */
export const parameterCount = (widths: ReadonlyArray<number>): number =>
  widths.slice(1).reduce((n, out, l) => n + (widths[l]! + 1) * out, 0)

// -------------------------------------------------------------------------------------
// encode
// -------------------------------------------------------------------------------------

/**
 * The JSON document of a model (plain data: pass it to JSON.stringify). Left names the first entry that is not a
 * finite number (JSON would write ±Infinity and NaN as null, a file no decoder accepts back).
 */
export const encodeModel = (spec: MlpSpec, params: Params): E.Either<string, ModelJson> => {
  for (let l = 0; l < params.length; l++) {
    const { W, b } = params[l]!
    const badW = firstNonFinite(W.data)
    if (badW >= 0) return E.left(nonFinite(`layers[${l}].W[${Math.floor(badW / W.cols)}][${badW % W.cols}]`, W.data[badW]!))
    const badB = firstNonFinite(b.data)
    if (badB >= 0) return E.left(nonFinite(`layers[${l}].b[${badB}]`, b.data[badB]!))
  }
  const layers = params.map(({ W, b }) => ({ W: M.toRows(W), b: Array.from(b.data) }))
  return E.right(
    isLayered(spec)
      ? {
          format: FORMAT,
          version: LAYERED_VERSION,
          spec: { inputs: copyInputs(spec.inputs), layers: spec.layers.map((layer) => copyLayer(layer as unknown as LayerSpecJson)), loss: spec.loss, reduction: spec.reduction },
          layers
        }
      : {
          format: FORMAT,
          version: VERSION,
          spec: { widths: [...spec.widths], activations: [...spec.activations], loss: spec.loss, reduction: spec.reduction },
          layers
        }
  )
}

/** A spec's inputs as new data: a number, or the image's three fields. */
const copyInputs = (inputs: unknown): number | ImageShape => {
  if (typeof inputs !== 'object' || inputs === null) return inputs as number
  const { channels, height, width } = inputs as ImageShape
  return { channels, height, width }
}

/** A layer record as new data (its pairs, such as a kernel [kh, kw], copied too). */
const copyLayer = <L extends object>(layer: L): L =>
  Object.fromEntries(Object.entries(layer).map(([k, v]: [string, unknown]) => [k, Array.isArray(v) ? [...v] : v])) as L

const firstNonFinite = (data: ArrayLike<number>): number => {
  for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return i
  return -1
}

const nonFinite = (path: string, v: number): string => `${path} is ${v}: a model file holds finite numbers only`

// -------------------------------------------------------------------------------------
// decode
// -------------------------------------------------------------------------------------

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === 'object' && u !== null && !Array.isArray(u)

/** Problems found so far, at most MAX_ERRORS; `full` once no more are wanted. */
class Problems {
  readonly list: Array<string> = []
  add(message: string): undefined {
    if (this.list.length < MAX_ERRORS) this.list.push(message)
    return undefined
  }
  get full(): boolean {
    return this.list.length >= MAX_ERRORS
  }
}

/** Reads an array of `n` finite numbers at `path` into `out` from `offset`; reports the first problems. */
const readNumbers = (u: unknown, path: string, n: number, what: string, out: Float64Array, offset: number, problems: Problems): boolean => {
  if (!Array.isArray(u)) {
    problems.add(`${path}: expected ${what}, got ${describe(u)}`)
    return false
  }
  let ok = true
  for (let i = 0; i < u.length && i < n && !problems.full; i++) {
    const v: unknown = u[i]
    if (typeof v !== 'number') problems.add(`${path}[${i}]: expected number, got ${describe(v)}`)
    else if (!Number.isFinite(v)) problems.add(`${path}[${i}]: expected a finite number, got ${v}`)
    else {
      out[offset + i] = v
      continue
    }
    ok = false
  }
  return ok
}

/** One layer (out × inputs) from its JSON: W an array of `out` rows of `inputs` numbers, b of `out` numbers. */
const readLayer = (u: unknown, l: number, out: number, inputs: number, problems: Problems): Params[number] | undefined => {
  const path = `layers[${l}]`
  if (!isRecord(u)) {
    problems.add(`${path}: expected an object with W and b, got ${describe(u)}`)
    return undefined
  }
  const W: unknown = u['W']
  const b: unknown = u['b']
  const wData = new Float64Array(out * inputs)
  const bData = new Float64Array(out)
  let ok = true
  const notRow = Array.isArray(W) ? W.findIndex((r: unknown) => !Array.isArray(r)) : -1
  if (!Array.isArray(W)) {
    problems.add(`${path}.W: expected Array<Array<number>>, got ${describe(W)}`)
    ok = false
  } else if (notRow >= 0) {
    problems.add(`${path}.W[${notRow}]: expected Array<number>, got ${describe(W[notRow])}`)
    ok = false
  } else {
    const cols = W.length === 0 ? 0 : (W[0] as ReadonlyArray<unknown>).length
    const ragged = W.findIndex((r: ReadonlyArray<unknown>) => r.length !== cols)
    if (ragged >= 0) problems.add(`${path}.W[${ragged}]: expected ${cols} numbers (as W[0]), got ${(W[ragged] as ReadonlyArray<unknown>).length}`)
    else if (W.length !== out || cols !== inputs) problems.add(`${path}.W: expected ${out}×${inputs}, got ${W.length}×${cols}`)
    ok = ragged < 0 && W.length === out && cols === inputs
    for (let i = 0; i < W.length && i < out && !problems.full; i++) {
      ok = readNumbers(W[i], `${path}.W[${i}]`, inputs, 'an array of numbers', wData, i * inputs, problems) && ok
    }
  }
  if (!Array.isArray(b)) {
    problems.add(`${path}.b: expected Array<number>, got ${describe(b)}`)
    return undefined
  }
  if (b.length !== out) problems.add(`${path}.b: expected ${out} entries, got ${b.length}`)
  ok = readNumbers(b, `${path}.b`, out, 'Array<number>', bData, 0, problems) && b.length === out && ok
  return ok ? { W: M.unsafeWrap(out, inputs, wData), b: M.unsafeWrap(out, 1, bData) } : undefined
}

/** The spec, read with its sizes bounded before io-ts looks at it (io-ts collects one error per bad entry). */
const readSpec = (u: unknown, version: number, maxParameters: number): E.Either<ReadonlyArray<string>, MlpSpec> => {
  const spec = version === LAYERED_VERSION ? readLayeredSpec(u) : readWidthsSpec(u)
  if (E.isLeft(spec)) return spec
  const validated = validateSpec(spec.right)
  if (E.isLeft(validated)) return E.left(validated.left.slice(0, MAX_ERRORS).map((e) => `spec.${e}`))
  const widths = widthsOf(validated.right)
  const count = parameterCountOf(validated.right)
  const widest = widths.findIndex((w) => w > MAX_VALUES_PER_EXAMPLE)
  if (widest >= 0) {
    const where = version === LAYERED_VERSION ? (widest === 0 ? 'spec.inputs' : `spec.layers[${widest - 1}]`) : `spec.widths[${widest}]`
    return E.left([`${where}: ${widths[widest]!.toLocaleString('en-US')} values per example, more than the limit of ${MAX_VALUES_PER_EXAMPLE.toLocaleString('en-US')}`])
  }
  if (count > maxParameters) {
    const shown = widths.length > 12 ? `${widths.slice(0, 12).join(', ')}, …` : widths.join(', ')
    const where = version === LAYERED_VERSION ? 'spec.layers' : 'spec.widths'
    return E.left([`${where}: [${shown}] has ${count.toLocaleString('en-US')} parameters, more than the limit of ${maxParameters.toLocaleString('en-US')}`])
  }
  return E.right(validated.right)
}

const readWidthsSpec = (u: unknown): E.Either<ReadonlyArray<string>, MlpSpec> => {
  if (isRecord(u)) {
    for (const field of ['widths', 'activations'] as const) {
      const list: unknown = u[field]
      if (Array.isArray(list) && list.length > MAX_LAYERS + 1) {
        return E.left([`spec.${field}: expected at most ${MAX_LAYERS + 1} entries, got ${list.length}`])
      }
    }
  }
  const decoded = SpecJson.decode(u)
  if (E.isLeft(decoded)) return E.left(formatErrors(decoded.left).map((e) => (e.startsWith('the document') ? e.replace('the document', 'spec') : `spec.${e}`)))
  return E.right(decoded.right)
}

/** A version-2 spec: inputs, then at most MAX_LAYERS layer records (validateSpec runs each kind's own checks). */
const readLayeredSpec = (u: unknown): E.Either<ReadonlyArray<string>, MlpSpec> => {
  if (!isRecord(u)) return E.left([`spec: expected { inputs, layers, loss, reduction }, got ${describe(u)}`])
  const layers: unknown = u['layers']
  if (!Array.isArray(layers)) return E.left([`spec.layers: expected an array of layers, got ${describe(layers)}`])
  if (layers.length > MAX_LAYERS) return E.left([`spec.layers: expected at most ${MAX_LAYERS} layers, got ${layers.length}`])
  const bad = layers.findIndex((l: unknown) => !isRecord(l))
  if (bad >= 0) return E.left([`spec.layers[${bad}]: expected a layer { kind, … }, got ${describe(layers[bad])}`])
  const loss: unknown = u['loss'], reduction: unknown = u['reduction'], inputs: unknown = u['inputs']
  if (typeof loss !== 'string' || !Object.hasOwn(Loss.byName, loss)) return E.left([`spec.loss: expected a loss name, got ${describe(loss)}`])
  if (reduction !== 'sum' && reduction !== 'mean') return E.left([`spec.reduction: expected "sum" or "mean", got ${describe(reduction)}`])
  return E.right({
    inputs: copyInputs(inputs),
    layers: layers.map((l: object) => copyLayer(l) as unknown as LayerSpec),
    loss: loss as LossName,
    reduction
  })
}

export interface DecodeOptions {
  /** Refuse specs with more parameters than this (default {@link MAX_PARAMETERS}), before reading any layer. */
  readonly maxParameters?: number
}

/**
 * A model from untrusted data (parsed JSON, or any JavaScript value). Left lists the first problems (at most
 * MAX_ERRORS) with their paths, e.g. `layers[1].W: expected 1×2, got 2×1`. Total: never throws, whatever it is given
 * (cycles, BigInt, getters that throw, Proxies), and its work is bounded by the parameter limit, not by the input.
 */
export const decodeModel = (u: unknown, { maxParameters = MAX_PARAMETERS }: DecodeOptions = {}): E.Either<ReadonlyArray<string>, Model> =>
  total(
    () => decodeModelUnguarded(u, maxParameters),
    (message) => E.left([`the document: ${message}`])
  )

const decodeModelUnguarded = (u: unknown, maxParameters: number): E.Either<ReadonlyArray<string>, Model> => {
  if (!isRecord(u)) return E.left([`the document: expected a puregrad/mlp model object, got ${Array.isArray(u) ? 'an array' : u === null ? 'null' : typeof u}`])
  const format: unknown = u['format']
  if (format !== FORMAT) return E.left([`format: expected "${FORMAT}", got ${describe(format)}: this is not a puregrad model file`])
  const version: unknown = u['version']
  if (version !== VERSION && version !== LAYERED_VERSION) {
    return E.left([`version: expected ${VERSION} or ${LAYERED_VERSION}, got ${describe(version)}: this build reads versions ${VERSION} and ${LAYERED_VERSION}`])
  }
  const spec = readSpec(u['spec'], version, maxParameters)
  if (E.isLeft(spec)) return spec
  const shapes = parameterisedLayersOf(spec.right)
  const layers: unknown = u['layers']
  const expected = shapes.length
  if (!Array.isArray(layers)) return E.left([`layers: expected Array<{ W, b }>, got ${describe(layers)}`])
  if (layers.length !== expected) {
    return E.left([
      isLayered(spec.right)
        ? `layers: expected ${expected} records { W, b }, one per layer with parameters (dense, conv2d, layerNorm), got ${layers.length}`
        : `layers: expected ${expected} layers for widths [${widthsOf(spec.right).join(', ')}], got ${layers.length}`
    ])
  }
  const problems = new Problems()
  const read: Array<Params[number] | undefined> = []
  for (let l = 0; l < expected && !problems.full; l++) read.push(readLayer(layers[l], l, shapes[l]!.out, shapes[l]!.in, problems))
  if (problems.list.length > 0) return E.left(problems.list)
  return E.right({ spec: spec.right, params: read.map((layer) => layer!) })
}

// -------------------------------------------------------------------------------------
// parameter trees of any model
// -------------------------------------------------------------------------------------

export const PARAMS_FORMAT = 'puregrad/params'
export const PARAMS_VERSION = 1

/** A matrix in a params file: its shape and its entries, row-major. */
export interface MatrixJson {
  readonly rows: number
  readonly cols: number
  readonly data: ReadonlyArray<number>
}

/** A params file: `{ "format": "puregrad/params", "version": 1, "params": <tree> }`, leaves as MatrixJson. */
export interface ParamsJson {
  readonly format: typeof PARAMS_FORMAT
  readonly version: typeof PARAMS_VERSION
  readonly params: unknown
}

/**
 * The JSON document of any parameter tree (records, arrays, nesting; leaves are matrices): each matrix as
 * `{ rows, cols, data }`. Left names the first entry that is not a finite number, or a leaf that is not a matrix.
 */
export const encodeParams = (tree: unknown): E.Either<string, ParamsJson> => {
  try {
    return E.right({ format: PARAMS_FORMAT, version: PARAMS_VERSION, params: encodeTree(tree) })
  } catch (e) {
    if (e instanceof EncodeError) return E.left(e.message)
    throw e
  }
}

class EncodeError extends Error {}

const isMatrixValue = (u: unknown): u is M.Matrix =>
  typeof u === 'object' && u !== null && typeof (u as M.Matrix).rows === 'number' && typeof (u as M.Matrix).cols === 'number' && ArrayBuffer.isView((u as M.Matrix).data)

/** The tree with each matrix as MatrixJson, walked by Tree's walk (whose leaf function may return any value). */
const encodeTree = (tree: unknown): unknown => {
  try {
    return T.mapWithPath((m, path) => matrixJson(m, pathUnder('params', path)) as never)(tree as T.Tree)
  } catch (e) {
    if (e instanceof T.NotATreeError) throw new EncodeError(`${pathUnder('params', e.path)}: expected a matrix (or a record or array of them), got ${describe(e.value)}`)
    if (e instanceof M.ShapeError) throw new EncodeError(`params: ${e.message}`) // a tree that contains itself
    throw e
  }
}

const matrixJson = (m: M.Matrix, path: string): MatrixJson => {
  if (!ArrayBuffer.isView(m.data)) throw new EncodeError(`${path}: expected a matrix (or a record or array of them), got ${describe(m)}`)
  const bad = firstNonFinite(m.data)
  if (bad >= 0) throw new EncodeError(nonFinite(`${path}.data[${bad}]`, m.data[bad]!))
  return { rows: m.rows, cols: m.cols, data: Array.from(m.data) }
}

export interface DecodeParamsOptions<P> extends DecodeOptions {
  /**
   * A tree the decoded one must match: the same structure (array lengths, record keys) and every matrix of the same
   * shape. With it the result is typed as P; without it, any tree the file holds.
   */
  readonly like?: P
}

/**
 * A parameter tree from untrusted data (parsed JSON or any value). Left lists the first problems (at most
 * MAX_ERRORS) with their paths (`params.layers[1].W.data[3]: expected a finite number, got null`). Total and bounded
 * like decodeModel: at most `maxParameters` entries in all (default MAX_PARAMETERS), checked leaf by leaf before
 * any entry is read, and nesting at most 64 deep.
 */
export function decodeParams<P>(u: unknown, options: DecodeParamsOptions<P> & { readonly like: P }): E.Either<ReadonlyArray<string>, P>
export function decodeParams(u: unknown, options?: DecodeParamsOptions<unknown>): E.Either<ReadonlyArray<string>, unknown>
export function decodeParams<P>(u: unknown, options: DecodeParamsOptions<P> = {}): E.Either<ReadonlyArray<string>, unknown> {
  return total(
    () => decodeParamsUnguarded(u, options),
    (message) => E.left([`the document: ${message}`])
  )
}

const MAX_DEPTH = 64

const decodeParamsUnguarded = <P>(u: unknown, { maxParameters = MAX_PARAMETERS, like }: DecodeParamsOptions<P>): E.Either<ReadonlyArray<string>, unknown> => {
  if (!isRecord(u)) return E.left([`the document: expected a puregrad/params object, got ${Array.isArray(u) ? 'an array' : describe(u)}`])
  const format: unknown = u['format']
  if (format !== PARAMS_FORMAT) return E.left([`format: expected "${PARAMS_FORMAT}", got ${describe(format)}: this is not a puregrad parameter file`])
  const version: unknown = u['version']
  if (version !== PARAMS_VERSION) return E.left([`version: expected ${PARAMS_VERSION}, got ${describe(version)}: this build reads version ${PARAMS_VERSION} only`])
  const problems = new Problems()
  let budget = maxParameters
  const decode = (t: unknown, pattern: unknown, path: string, depth: number): unknown => {
    if (problems.full) return undefined
    if (depth > MAX_DEPTH) return problems.add(`${path}: nested more than ${MAX_DEPTH} deep`)
    if (pattern !== undefined && isMatrixValue(pattern)) return decodeMatrix(t, path, pattern)
    if (Array.isArray(t)) {
      if (pattern !== undefined && (!Array.isArray(pattern) || pattern.length !== t.length)) {
        return problems.add(`${path}: expected ${Array.isArray(pattern) ? `an array of ${pattern.length}` : describe(pattern)}, got an array of ${t.length}`)
      }
      return t.map((c, i) => decode(c, pattern === undefined ? undefined : (pattern as ReadonlyArray<unknown>)[i], `${path}[${i}]`, depth + 1))
    }
    if (!isRecord(t)) return problems.add(`${path}: expected a matrix { rows, cols, data } or a record or array of them, got ${describe(t)}`)
    if (pattern === undefined && isMatrixJson(t)) return decodeMatrix(t, path, undefined)
    const keys = Object.keys(t)
    if (pattern !== undefined) {
      if (!isRecord(pattern) || isMatrixValue(pattern)) return problems.add(`${path}: expected ${describe(pattern)}, got a record`)
      const expected = Object.keys(pattern)
      const missing = expected.find((k) => !Object.hasOwn(t, k))
      if (missing !== undefined) return problems.add(`${path}.${missing}: missing`)
      const extra = keys.find((k) => !Object.hasOwn(pattern, k))
      if (extra !== undefined) return problems.add(`${path}.${extra}: not in the expected tree`)
    }
    const out: Record<string, unknown> = {}
    for (const k of pattern === undefined ? keys : Object.keys(pattern as object)) {
      const v = decode(t[k], pattern === undefined ? undefined : (pattern as Record<string, unknown>)[k], `${path}.${k}`, depth + 1)
      if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true })
      else out[k] = v
    }
    return out
  }
  const decodeMatrix = (t: unknown, path: string, expected: M.Matrix | undefined): M.Matrix | undefined => {
    if (!isMatrixJson(t)) return problems.add(`${path}: expected a matrix { rows, cols, data }, got ${describe(t)}`)
    const { rows, cols, data } = t
    if (!Number.isSafeInteger(rows) || !Number.isSafeInteger(cols) || rows < 1 || cols < 1) {
      return problems.add(`${path}: expected positive integer rows and cols, got ${describe(rows)}×${describe(cols)}`)
    }
    if (expected !== undefined && (expected.rows !== rows || expected.cols !== cols)) {
      return problems.add(`${path}: expected ${expected.rows}×${expected.cols}, got ${rows}×${cols}`)
    }
    if (rows * cols > budget) return problems.add(`${path}: more than the limit of ${maxParameters.toLocaleString('en-US')} parameters in all`)
    budget -= rows * cols
    if (!Array.isArray(data) || data.length !== rows * cols) {
      return problems.add(`${path}.data: expected ${rows * cols} numbers, got ${Array.isArray(data) ? data.length : describe(data)}`)
    }
    const out = new Float64Array(rows * cols)
    return readNumbers(data, `${path}.data`, rows * cols, 'Array<number>', out, 0, problems) ? M.unsafeWrap(rows, cols, out) : undefined
  }
  const params = decode(u['params'], like, 'params', 0)
  return problems.list.length > 0 ? E.left(problems.list) : E.right(params)
}

/** `{ rows, cols, data }` with nothing else: a matrix in a params file (a record of three matrices has other values). */
const isMatrixJson = (u: unknown): u is { readonly rows: number; readonly cols: number; readonly data: ReadonlyArray<unknown> } =>
  isRecord(u) && typeof u['rows'] === 'number' && typeof u['cols'] === 'number' && Object.keys(u).length === 3 && Object.hasOwn(u, 'data')
