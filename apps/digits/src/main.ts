#!/usr/bin/env node
/**
 * digits: the UCI handwritten digits learned by an MLP or a CNN on puregrad. This is the only module that reads argv,
 * reads and writes files, prints and exits. Bad input gets one line on stderr and a non-zero exit (2 for usage),
 * never a trace; every input and output is checked before training starts, and nothing partial is written.
 */
import { performance } from 'node:perf_hooks'
import * as E from 'fp-ts/lib/Either.js'
import type { Outputs } from '@puregrad/cli-kit/files'
import { prepareOutputs, readModel, readText, writeAtomic } from '@puregrad/cli-kit/files'
import type { ProgressMode } from '@puregrad/cli-kit/progress'
import { progress } from '@puregrad/cli-kit/progress'
import type { Io } from '@puregrad/cli-kit/shell'
import { EXIT_OK, fail, runMain, usage } from '@puregrad/cli-kit/shell'
import { encodeModel } from '@puregrad/mlp/Codec'
import * as Mlp from '@puregrad/mlp/Mlp'
import type { MlpSpec } from '@puregrad/mlp/Spec'
import { activationsOf, layersOf, widthsOf } from '@puregrad/mlp/Spec'
import { Threads } from '@puregrad/tensor'
import type { Matrix } from '@puregrad/tensor/Matrix'
import type { Options } from './cli.js'
import { MAX_PARAMETERS, MAX_PREDICT_BYTES, MAX_PREDICT_LINES, helpText, parseArgs } from './cli.js'
import { CLASSES, PIXELS, loadDigits } from './data.js'
import { specs } from './models.js'
import type { Prediction } from './predict.js'
import { parseImages, predictions } from './predict.js'
import type { Misclassified } from './render.js'
import { colored, confusionTable, drawMisclassified, pixelsOf, plain } from './render.js'
import { htmlReport, svgReport } from './report.js'
import type { Evaluation, Parts, Trained } from './train.js'
import { Diverged, evaluate, initialParams, splitDigits, stepsPerEpoch, trainDigits } from './train.js'

/** --save and --report, resolved and probed before any training (cli-kit's files). */
const outputsOf = (options: Options): Outputs => prepareOutputs(options.save, options.report, [['--load', options.load], ['--predict', options.predict]])

/** A saved model that fits the digits: 64 inputs, 10 softmax outputs with cross-entropy. */
const loadModel = (path: string): { readonly spec: MlpSpec; readonly params: Mlp.Params } => {
  const model = E.getOrElseW(fail)(readModel(path, MAX_PARAMETERS))
  const widths = widthsOf(model.spec)
  const activations = activationsOf(model.spec)
  if (widths[0] !== PIXELS || widths[widths.length - 1] !== CLASSES || activations[activations.length - 1] !== 'softmax' || model.spec.loss !== 'softmaxCrossEntropy') {
    fail(`${path}: the digits need a model with ${PIXELS} inputs and ${CLASSES} softmax outputs trained with softmaxCrossEntropy; this one has widths [${widths.join(', ')}], ${activations[activations.length - 1]} outputs and ${model.spec.loss}`)
  }
  return model
}

const readPredictInput = (path: string): Matrix =>
  E.getOrElseW(fail)(E.chain((text: string) => parseImages(path, text, MAX_PREDICT_LINES))(readText(path, MAX_PREDICT_BYTES)))

interface Run {
  readonly name: string
  readonly spec: MlpSpec
  readonly parts: Parts
  readonly trained: Trained
  readonly seconds: number
  readonly evaluations: { readonly train: Evaluation; readonly validation: Evaluation; readonly test: Evaluation }
  readonly misclassified: ReadonlyArray<Misclassified & { readonly index: number }>
  readonly predictions: ReadonlyArray<Prediction> | undefined
}

const train = (options: Options, mode: ProgressMode, io: Io): Run => {
  const targets = outputsOf(options)
  const inputs = options.predict === undefined ? undefined : readPredictInput(options.predict)
  const digits = E.getOrElseW(fail)(loadDigits())
  const loaded = options.load === undefined ? undefined : loadModel(options.load)
  const spec = loaded?.spec ?? specs[options.model]
  const params0 = loaded?.params ?? initialParams(spec, options.seed)
  const parts = splitDigits(options.seed, digits)
  const bar = progress(mode, options.epochs * stepsPerEpoch(parts.train.labels.length, options.batch), io.out)
  const start = performance.now()
  let trained: Trained | Diverged
  try {
    trained = trainDigits(spec, params0, parts, options, bar.update)
  } finally {
    bar.done()
  }
  const seconds = (performance.now() - start) / 1000
  if (trained instanceof Diverged) return fail(trained.message)
  const params = trained.params
  const test = evaluate(spec, params, parts.test)
  const misclassified = test.predicted.flatMap((p, j) => (p === parts.test.labels[j] ? [] : [{ index: j, pixels: pixelsOf(parts.test.x, j), label: parts.test.labels[j]!, predicted: p }]))
  const run: Run = {
    name: options.load === undefined ? options.model : `loaded from ${options.load}`,
    spec,
    parts,
    trained,
    seconds,
    evaluations: { train: evaluate(spec, params, parts.train), validation: evaluate(spec, params, parts.validation), test },
    misclassified,
    predictions: inputs === undefined ? undefined : predictions(Mlp.predict(spec, params)(inputs))
  }
  writeOutputs(targets, run, options)
  return run
}

const titleOf = (run: Run): string => `puregrad digits: ${run.name}, test accuracy ${run.evaluations.test.accuracy.toFixed(4)}`

const summaryOf = (run: Run, options: Options): ReadonlyArray<string> => [
  `${run.parts.train.labels.length} training, ${run.parts.validation.labels.length} validation, ${run.parts.test.labels.length} test images (stratified split, seed ${options.seed})`,
  `${layersOf(run.spec).layers.map((l) => l.kind).join(' → ')}; ${options.optimizer} at ${options.lr}, batches of ${options.batch}`,
  `${run.trained.epochs} epochs (${run.trained.stoppedEarly ? 'stopped early' : 'all'}), kept epoch ${run.trained.bestEpoch}; ${run.trained.steps} steps in ${run.seconds.toFixed(1)} s`,
  `accuracy: train ${run.evaluations.train.accuracy.toFixed(4)}, validation ${run.evaluations.validation.accuracy.toFixed(4)}, test ${run.evaluations.test.accuracy.toFixed(4)}`
]

const writeOutputs = (targets: Outputs, run: Run, options: Options): void => {
  if (targets.save !== undefined) {
    const model = E.getOrElseW((e: string) => fail(`cannot save the model: ${e}`))(encodeModel(run.spec, run.trained.params))
    E.getOrElseW(fail)(writeAtomic(targets.save, JSON.stringify(model) + '\n'))
  }
  if (targets.report !== undefined) {
    const data = { title: titleOf(run), curve: run.trained.curve, bestEpoch: run.trained.bestEpoch, confusion: run.evaluations.test.confusion, misclassified: run.misclassified }
    const doc = /\.svg$/i.test(targets.report.given) ? svgReport(data) : htmlReport(data, summaryOf(run, options))
    E.getOrElseW(fail)(writeAtomic(targets.report, doc + '\n'))
  }
}

const stepsPerSecond = (run: Run): number => (run.seconds > 0 ? run.trained.steps / run.seconds : 0)

/** The run as the --json document: exactly one object on stdout. */
const jsonDocument = (run: Run, options: Options) => ({
  model: options.load === undefined ? options.model : null,
  loaded: options.load ?? null,
  spec: run.spec,
  seed: options.seed,
  optimizer: options.optimizer,
  learningRate: options.lr,
  batch: options.batch,
  split: { train: run.parts.train.labels.length, validation: run.parts.validation.labels.length, test: run.parts.test.labels.length },
  epochs: run.trained.epochs,
  bestEpoch: run.trained.bestEpoch,
  stoppedEarly: run.trained.stoppedEarly,
  steps: run.trained.steps,
  seconds: run.seconds,
  stepsPerSecond: stepsPerSecond(run),
  threads: Threads.count(),
  trainAccuracy: run.evaluations.train.accuracy,
  validationAccuracy: run.evaluations.validation.accuracy,
  testAccuracy: run.evaluations.test.accuracy,
  testLoss: run.evaluations.test.loss,
  confusion: run.evaluations.test.confusion,
  misclassified: run.misclassified.map(({ index, label, predicted }) => ({ index, label, predicted })),
  curve: run.trained.curve,
  predictions: run.predictions ?? null,
  saved: options.save ?? null,
  report: options.report ?? null
})

const textReport = (run: Run, options: Options, io: Io): string => {
  const style = io.isTTY && !io.env['NO_COLOR'] ? colored : plain
  const [split, layers, epochs, accuracy] = summaryOf(run, options)
  const lines = [
    style.bold(`digits: ${run.name}`),
    split!,
    layers!,
    `${epochs}, ${Math.round(stepsPerSecond(run)).toLocaleString('en-US')} steps/s`,
    style.bold(accuracy!),
    '',
    confusionTable(run.evaluations.test.confusion, style),
    '',
    drawMisclassified(run.misclassified, style)
  ]
  if (run.predictions !== undefined) lines.push('', style.bold(`predictions for ${options.predict}:`), ...run.predictions.map((p) => `${p.digit} ${p.probability.toFixed(4)}`))
  if (options.save !== undefined) lines.push('', `saved the model to ${options.save}`)
  if (options.report !== undefined) lines.push(`${options.save === undefined ? '\n' : ''}wrote the report to ${options.report}`)
  return lines.join('\n') + '\n'
}

/** Runs the app; returns the exit code, or throws a Failure (runMain reports it in one line). */
const main = (argv: ReadonlyArray<string>, io: Io): number => {
  const parsed = parseArgs(argv)
  if (E.isLeft(parsed)) return usage(parsed.left.message)
  const options = parsed.right
  if (options.help) {
    io.out(helpText + '\n')
    return EXIT_OK
  }
  const mode: ProgressMode = options.json || options.quiet ? 'off' : io.isTTY ? 'bar' : 'lines'
  if (options.threads !== undefined) Threads.setCount(options.threads)
  const run = train(options, mode, io)
  io.out(options.json ? JSON.stringify(jsonDocument(run, options)) + '\n' : textReport(run, options, io))
  return EXIT_OK
}

runMain('digits', 'DIGITS_DEBUG', main)
