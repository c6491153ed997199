/**
 * Training on the digits: a seeded stratified 60/20/20 split, mini-batches with a dropout key each, early stopping on
 * the validation loss (evaluated after every epoch, the best epoch's parameters kept), and the evaluation of a model
 * on any part. Pure apart from the `onStep` callback (the progress bar).
 */
import { pipe } from 'fp-ts/lib/function.js'
import * as O from 'fp-ts/lib/Option.js'
import * as Data from '@puregrad/mlp/Data'
import * as Init from '@puregrad/mlp/Init'
import * as Metrics from '@puregrad/mlp/Metrics'
import * as Mlp from '@puregrad/mlp/Mlp'
import * as Opt from '@puregrad/mlp/Optimizer'
import type { OptimizerName } from '@puregrad/mlp/Optimizer'
import type { MlpSpec } from '@puregrad/mlp/Spec'
import * as Train from '@puregrad/mlp/Train'
import type { Key } from '@puregrad/tensor/Random'
import { foldIn, key, split } from '@puregrad/tensor/Random'
import type { Digits } from './data.js'
import { CLASSES } from './data.js'

export interface TrainOptions {
  readonly seed: number
  /** The most epochs; early stopping may end sooner. */
  readonly epochs: number
  readonly batch: number
  readonly lr: number
  readonly optimizer: OptimizerName
  /** Epochs without a better validation loss before stopping. */
  readonly patience: number
}

export interface Parts {
  readonly train: Digits
  readonly validation: Digits
  readonly test: Digits
}

/** One epoch's figures: the mean training loss over its batches, and the validation loss and accuracy after it. */
export interface EpochRecord {
  readonly epoch: number
  readonly trainLoss: number
  readonly validationLoss: number
  readonly validationAccuracy: number
}

export interface Trained {
  readonly params: Mlp.Params
  /** Epochs run (the last may be where early stopping ended it). */
  readonly epochs: number
  /** The epoch whose parameters were kept (lowest validation loss); 0 is the starting point. */
  readonly bestEpoch: number
  readonly stoppedEarly: boolean
  readonly steps: number
  readonly curve: ReadonlyArray<EpochRecord>
}

/** A training run that ended with a loss or parameter that is not finite. */
export class Diverged {
  constructor(readonly message: string) {}
}

/** The keys of a seed: parameters, split, batch order, dropout masks. */
export const keysOf = (seed: number): { readonly init: Key; readonly split: Key; readonly batches: Key; readonly dropout: Key } => {
  const [init, parts, batches, dropout] = split(key(seed), 4)
  return { init: init!, split: parts!, batches: batches!, dropout: dropout! }
}

const withLabels = (d: Data.Dataset): Digits => ({ ...d, labels: Data.classesOf(d.y) })

/** The stratified 60/20/20 split of a seed: each digit in the same proportion in each part. */
export const splitDigits = (seed: number, digits: Digits): Parts => {
  const parts = Data.split(keysOf(seed).split, digits, { train: 0.6, validation: 0.2, test: 0.2 }, { stratify: true })
  return { train: withLabels(parts.train), validation: withLabels(parts.validation!), test: withLabels(parts.test!) }
}

/** The initial parameters of a seed (He initialisation: the hidden layers are relu). */
export const initialParams = (spec: MlpSpec, seed: number): Mlp.Params => Init.init(Init.heNormal)(keysOf(seed).init, spec)

/** A model's loss, accuracy, predicted digits and confusion matrix (rows true, columns predicted) on a part. */
export interface Evaluation {
  readonly loss: number
  readonly accuracy: number
  readonly predicted: ReadonlyArray<number>
  readonly confusion: ReadonlyArray<ReadonlyArray<number>>
}

/** Evaluates in chunks of 512 examples, so memory stays bounded whatever the part's size. */
export const evaluate = (spec: MlpSpec, params: Mlp.Params, part: Digits): Evaluation => {
  const predict = Mlp.predict(spec, params)
  const n = part.labels.length
  const predicted: Array<number> = []
  let total = 0
  for (let start = 0; start < n; start += 512) {
    const indices = Array.from({ length: Math.min(512, n - start) }, (_, k) => start + k)
    const x = Data.selectColumns(part.x, indices), y = Data.selectColumns(part.y, indices)
    predicted.push(...Data.argmax(predict(x)))
    total += Mlp.loss(spec)(params, { x, y }) * indices.length // the loss is a mean over the batch
  }
  return { loss: total / n, accuracy: Metrics.accuracy(predicted, part.labels), predicted, confusion: Metrics.confusion(predicted, part.labels, CLASSES) }
}

/** The steps of one epoch of `n` examples in batches of `batch`. */
export const stepsPerEpoch = (n: number, batch: number): number => Math.ceil(n / batch)

/**
 * Trains from `params0` for at most `options.epochs` epochs; after each, the validation loss decides whether training
 * goes on (`patience` epochs without improvement end it) and which parameters are kept. `onStep(step, loss)` sees
 * every step (the progress bar). Left when a loss or a parameter stops being finite.
 */
export const trainDigits = (
  spec: MlpSpec,
  params0: Mlp.Params,
  parts: Parts,
  options: TrainOptions,
  onStep: (step: number, loss: number) => void
): Diverged | Trained => {
  const optimizer = Opt.byName[options.optimizer](options.lr)
  const keys = keysOf(options.seed)
  const perEpoch = stepsPerEpoch(parts.train.labels.length, options.batch)
  const batches = pipe(Data.batches(keys.batches, parts.train, { batchSize: options.batch, epochs: options.epochs }), (bs) => withKeys(bs, keys.dropout))
  const validation: Array<{ readonly step: number; readonly loss: number; readonly accuracy: number }> = []
  const monitor = (s: Train.TrainState<unknown, Mlp.Params>): number => {
    const { loss, accuracy } = evaluate(spec, s.params, parts.validation)
    validation.push({ step: s.step, loss, accuracy })
    return Number.isFinite(loss) ? loss : Infinity
  }
  let diverged: Diverged | undefined
  const states = pipe(
    Train.scan(Mlp.lossAndGradients(spec), optimizer)(Train.initialState(optimizer)(params0), batches),
    Train.tap((s) => {
      if (s.loss !== null && !Number.isFinite(s.loss)) diverged ??= new Diverged(`training diverged at step ${s.step} (loss ${s.loss}): try a smaller --lr`)
      else if (s.step > 0) onStep(s.step, s.loss!)
    })
  )
  const result = Train.earlyStopping({ patience: options.patience, every: perEpoch, monitor })(states)
  if (diverged !== undefined) return diverged
  if (O.isNone(result)) return { params: params0, epochs: 0, bestEpoch: 0, stoppedEarly: false, steps: 0, curve: [] }
  const { best, last, stoppedEarly, history } = result.value
  const curve = validation
    .filter((v) => v.step > 0)
    .map((v) => {
      const epoch = Math.ceil(v.step / perEpoch)
      const losses = history.filter((h) => h.step >= (epoch - 1) * perEpoch && h.step < v.step).map((h) => h.loss)
      return { epoch, trainLoss: losses.reduce((a, b) => a + b, 0) / Math.max(1, losses.length), validationLoss: v.loss, validationAccuracy: v.accuracy }
    })
  return { params: best.params, epochs: Math.ceil(last.step / perEpoch), bestEpoch: Math.ceil(best.step / perEpoch), stoppedEarly, steps: last.step, curve }
}

/** Each batch with its own dropout key, foldIn(key, its index). */
function* withKeys(batches: Iterable<Mlp.Batch>, dropout: Key): Generator<Mlp.Batch, void, undefined> {
  let i = 0
  for (const b of batches) yield { ...b, key: foldIn(dropout, i++) }
}
