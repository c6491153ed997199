/**
 * A training session as values: the data, the network, the optimizer and the training state of one configuration,
 * advanced step by step. Pure and deterministic (the batches of step t are a function of the seed and t), so the
 * page's worker and Node compute the same bits for the same configuration: the browser tests compare them.
 */
import * as Act from '@puregrad/grad/Activation'
import * as Dense from '@puregrad/grad/Dense'
import { encodeModel } from '@puregrad/mlp/Codec'
import type { Model } from '@puregrad/mlp/Codec'
import * as Data from '@puregrad/mlp/Data'
import * as Init from '@puregrad/mlp/Init'
import * as Mlp from '@puregrad/mlp/Mlp'
import * as Opt from '@puregrad/mlp/Optimizer'
import type { Optimizer } from '@puregrad/mlp/Optimizer'
import type { WidthsSpec } from '@puregrad/mlp/Spec'
import { activationsOf, widthsOf } from '@puregrad/mlp/Spec'
import * as T from '@puregrad/mlp/Train'
import * as M from '@puregrad/tensor/Matrix'
import type { Matrix } from '@puregrad/tensor/Matrix'
import type { Key } from '@puregrad/tensor/Random'
import { foldIn, key, permutation, split } from '@puregrad/tensor/Random'
import type { Config, HiddenActivation } from './config.js'
import { MAX_LAYERS, MAX_WIDTH, hiddenActivations } from './config.js'
import type { Points } from './datasets.js'
import { makeData } from './datasets.js'

export interface Session {
  readonly config: Config
  readonly spec: WidthsSpec
  readonly train: Mlp.Batch
  readonly test: Mlp.Batch
  readonly optimizer: Optimizer
  readonly state: T.TrainState<unknown, Mlp.Params>
  readonly batchKey: Key
}

/** [2, …hidden, 1]: the hidden activation on every hidden layer, a sigmoid output, BCE averaged over the batch. */
export const specOf = (c: Pick<Config, 'hidden' | 'activation'>): WidthsSpec => ({
  widths: [2, ...c.hidden, 1],
  activations: [...c.hidden.map(() => c.activation), 'sigmoid'],
  loss: 'binaryCrossEntropy',
  reduction: 'mean'
})

/** The optimizer, with weight decay added to the gradients first (L2) when it is positive. */
export const optimizerOf = (c: Pick<Config, 'optimizer' | 'lr' | 'weightDecay'>): Optimizer => {
  const base = Opt.byName[c.optimizer](c.lr)
  return c.weightDecay > 0 ? (Opt.chain(Opt.addDecayedWeights(c.weightDecay), base) as Optimizer) : base
}

const batchOf = (p: Points): Mlp.Batch => ({
  x: M.unsafeFromArray(2, p.x.length, [...p.x.map(([a]) => a), ...p.x.map(([, b]) => b)]),
  y: M.unsafeFromArray(1, p.labels.length, p.labels)
})

/** A new session for a configuration: its data, and parameters drawn from the seed. */
export const start = (config: Config, params?: Mlp.Params): Session => {
  const data = makeData(config)
  const spec = specOf(config)
  const optimizer = optimizerOf(config)
  const [kInit, kBatches] = split(foldIn(key(config.seed), 1_000_003), 2)
  const initial = params ?? Init.init(Init.byName[config.init])(kInit!, spec)
  return { config, spec, train: batchOf(data.train), test: batchOf(data.test), optimizer, state: T.initialState(optimizer)(initial), batchKey: kBatches! }
}

/**
 * The mini-batch of step t: epoch e = ⌊t / k⌋ (k batches per epoch) shuffles the training points by
 * permutation(foldIn(key, e)); batch t mod k is the next `batch` of them. The whole set when a batch holds it.
 */
export const batchAt = (s: Session, t: number, memo?: { epoch: number; order: ReadonlyArray<number> }): Mlp.Batch => {
  const n = s.train.x.cols
  const size = s.config.batch
  if (size >= n) return s.train
  const perEpoch = Math.ceil(n / size)
  const epoch = Math.floor(t / perEpoch)
  let order: ReadonlyArray<number>
  if (memo !== undefined && memo.epoch === epoch) order = memo.order
  else {
    order = permutation(foldIn(s.batchKey, epoch), n)
    if (memo !== undefined) (memo.epoch = epoch), (memo.order = order)
  }
  const start = (t % perEpoch) * size
  const indices = order.slice(start, start + size)
  return { x: Data.selectColumns(s.train.x, indices), y: Data.selectColumns(s.train.y, indices) }
}

/** A stepper for a session's spec and optimizer: `advance(session, n)` is the session after n more steps. */
export const stepper = (s0: Session) => {
  const step = T.step(Mlp.lossAndGradients(s0.spec), s0.optimizer)
  const memo = { epoch: -1, order: [] as ReadonlyArray<number> }
  return (s: Session, steps: number): Session => {
    let state = s.state
    for (let i = 0; i < steps; i++) {
      const { loss, next } = step(state, batchAt(s, state.step, memo))
      if (!Number.isFinite(loss)) return { ...s, state: { ...state, loss } }
      state = next
    }
    return { ...s, state }
  }
}

export interface Evaluation {
  readonly trainLoss: number
  readonly testLoss: number
  readonly trainAccuracy: number
  readonly testAccuracy: number
}

const accuracy = (spec: WidthsSpec, params: Mlp.Params, b: Mlp.Batch): number => {
  const out = Mlp.predict(spec, params)(b.x)
  let right = 0
  for (let j = 0; j < out.cols; j++) if ((out.data[j]! >= 0.5 ? 1 : 0) === b.y.data[j]) right++
  return right / out.cols
}

/** Losses (BCE, mean) and accuracies (output ≥ 0.5 is class 1) on the training and test points, at the session's parameters. */
export const evaluate = (s: Session): Evaluation => {
  const loss = Mlp.loss(s.spec)
  const p = s.state.params
  return { trainLoss: loss(p, s.train), testLoss: loss(p, s.test), trainAccuracy: accuracy(s.spec, p, s.train), testAccuracy: accuracy(s.spec, p, s.test) }
}

/** The points of a cells × cells grid over [−1, 1]² (row 0 at the top: y = 1), as a 2 × cells² input. */
export const gridInputs = (cells: number): Matrix =>
  M.makeBy(2, cells * cells, (i, k) => {
    const r = Math.floor(k / cells), c = k % cells
    return i === 0 ? -1 + (2 * (c + 0.5)) / cells : 1 - (2 * (r + 0.5)) / cells
  })

/**
 * Every unit's output over the grid, layer by layer: layers[l][u] is hidden layer l's unit u (or, last, the output)
 * as cells² values, row-major from the top left.
 */
export const unitMaps = (s: Session, grid: Matrix): ReadonlyArray<ReadonlyArray<Float32Array>> => {
  const acts = activationsOf(s.spec)
  let a = grid
  return s.state.params.map((p, l) => {
    a = Dense.dense(p, Act.byName[acts[l]!])(a).a
    return Array.from({ length: a.rows }, (_, u) => Float32Array.from(a.data.slice(u * a.cols, (u + 1) * a.cols)))
  })
}

/** The session's model as the puregrad/mlp JSON the demo CLI reads; Left for a parameter that is not finite. */
export const modelFile = (s: Session) => encodeModel(s.spec, s.state.params)

/**
 * A decoded model's network as a configuration's hidden layers and activation, or why the playground cannot train
 * it: 2 inputs, 1 sigmoid output with binary cross-entropy, one hidden activation the page offers, at most
 * MAX_LAYERS hidden layers of at most MAX_WIDTH units.
 */
export const networkOf = (m: Model): { readonly hidden: ReadonlyArray<number>; readonly activation: HiddenActivation } | string => {
  const widths = widthsOf(m.spec), acts = activationsOf(m.spec)
  const hidden = widths.slice(1, -1)
  if (widths[0] !== 2 || widths[widths.length - 1] !== 1) return `the playground trains networks with 2 inputs and 1 output; this model has widths [${widths.join(', ')}]`
  if (acts[acts.length - 1] !== 'sigmoid' || m.spec.loss !== 'binaryCrossEntropy') return 'the playground trains a sigmoid output with binary cross-entropy'
  if (hidden.length > MAX_LAYERS || hidden.some((w) => w > MAX_WIDTH)) return `the playground shows at most ${MAX_LAYERS} hidden layers of ${MAX_WIDTH} units`
  const activation = acts[0] ?? 'tanh'
  if (!acts.slice(0, -1).every((a) => a === activation) || !(hiddenActivations as ReadonlyArray<string>).includes(activation)) {
    return `the playground's hidden layers share one activation of ${hiddenActivations.join(', ')}`
  }
  return { hidden, activation: activation as HiddenActivation }
}
