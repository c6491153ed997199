#!/usr/bin/env node
/**
 * xor-demo: the notebook's XOR experiment on puregrad. This is the only module that reads argv and the environment,
 * writes files, prints and exits. Bad input gets one line on stderr and a non-zero exit (2 for usage), never a trace.
 */
import { performance } from 'node:perf_hooks'
import * as E from 'fp-ts/lib/Either.js'
import type { Model } from '@puregrad/mlp/Codec'
import { encodeModel } from '@puregrad/mlp/Codec'
import { widthsOf } from '@puregrad/mlp/Spec'
import type { Options } from './cli.js'
import { MAX_PARAMETERS, helpText, parseArgs } from './cli.js'
import type { Outputs } from '@puregrad/cli-kit/files'
import { prepareOutputs, readModel, writeAtomic } from '@puregrad/cli-kit/files'
import type { ProgressMode } from '@puregrad/cli-kit/progress'
import { progress } from '@puregrad/cli-kit/progress'
import type { Io } from '@puregrad/cli-kit/shell'
import { EXIT_OK, fail, runMain, usage } from '@puregrad/cli-kit/shell'
import { colored, plain, runReport, sweepReport } from './render.js'
import type { Diverged, Outcome } from './run.js'
import { INPUTS, TARGETS, checkLoaded, trainFrom, trainWithRestarts } from './run.js'
import { htmlReport, svgReport } from './svg.js'
import { sweep } from './sweep.js'

/** The run as the --json document: exactly one object on stdout. */
const jsonDocument = (options: Options, outcome: Outcome, seconds: number) => ({
  spec: outcome.spec,
  seed: options.load === undefined ? options.seed : null,
  loaded: options.load ?? null,
  optimizer: options.optimizer,
  learningRate: options.lr,
  steps: outcome.steps,
  attempt: outcome.attempt,
  loss: outcome.loss,
  converged: outcome.verdict === 'converged',
  verdict: outcome.verdict,
  seconds,
  predictions: INPUTS.map((input, i) => ({ input, target: TARGETS[i], output: outcome.outputs[i] })),
  saved: options.save ?? null,
  report: options.report ?? null
})

/** --save and --report, resolved and probed before any training (cli-kit's files). */
const outputsOf = (options: Options): Outputs => prepareOutputs(options.save, options.report, [['--load', options.load]])

const loadModel = (path: string): Model => {
  const model = E.getOrElseW(fail)(readModel(path, MAX_PARAMETERS))
  const widths = widthsOf(model.spec)
  if (widths[0] !== 2 || widths[widths.length - 1] !== 1) {
    fail(`${path}: XOR needs a model with 2 inputs and 1 output, this one has widths [${widths.join(', ')}]`)
  }
  E.getOrElseW((d: Diverged) => fail(`${path}: ${d.message}`))(checkLoaded(model.spec, model.params))
  return model
}

const train = (options: Options, model: Model | undefined, mode: ProgressMode, io: Io): E.Either<Diverged, Outcome> => {
  let bar = progress('off', 0, io.out)
  const onStepOf = (attempt: number) => {
    bar.done()
    bar = progress(mode, options.steps, io.out, attempt === 0 ? '' : `restart ${attempt}: `)
    return (s: { step: number; loss: number | null }) => bar.update(s.step, s.loss ?? NaN)
  }
  try {
    return model === undefined ? trainWithRestarts(options, onStepOf) : trainFrom(model.spec, model.params, options, onStepOf(0))
  } finally {
    bar.done()
  }
}

const writeOutputs = (targets: Outputs, outcome: Outcome, title: string, summary: ReadonlyArray<string>): void => {
  if (targets.save !== undefined) {
    const model = E.getOrElseW((e: string) => fail(`cannot save the model: ${e}`))(encodeModel(outcome.spec, outcome.params))
    E.getOrElseW(fail)(writeAtomic(targets.save, JSON.stringify(model, null, 2) + '\n'))
  }
  if (targets.report !== undefined) {
    const doc = /\.svg$/i.test(targets.report.given) ? svgReport(outcome, title) : htmlReport(outcome, title, summary)
    E.getOrElseW(fail)(writeAtomic(targets.report, doc + '\n'))
  }
}

const runSingle = (options: Options, mode: ProgressMode, io: Io): number => {
  const style = io.isTTY && !options.json && !io.env['NO_COLOR'] ? colored : plain
  const targets = outputsOf(options)
  const model = options.load === undefined ? undefined : loadModel(options.load)
  const start = performance.now()
  const outcome = E.getOrElseW((d: Diverged) => fail(d.message))(train(options, model, mode, io))
  const seconds = (performance.now() - start) / 1000
  const origin = options.load === undefined ? `seed ${options.seed}` : `loaded from ${options.load}`
  const title = `puregrad XOR: widths [${widthsOf(outcome.spec).join(', ')}], ${outcome.verdict}`
  writeOutputs(targets, outcome, title, [
    `loss ${outcome.loss.toFixed(6)} after ${outcome.steps} steps`,
    options.load === undefined ? `${origin}, restart ${outcome.attempt}` : origin,
    `optimizer ${options.optimizer}, learning rate ${options.lr}`
  ])
  if (options.json) {
    io.out(JSON.stringify(jsonDocument(options, outcome, seconds)) + '\n')
    return EXIT_OK
  }
  io.out(runReport(outcome, seconds, origin, style) + '\n')
  if (options.save !== undefined) io.out(`\nsaved the model to ${options.save}\n`)
  if (options.report !== undefined) io.out(`${options.save === undefined ? '\n' : ''}wrote the report to ${options.report}\n`)
  return EXIT_OK
}

const runSweep = (options: Options, runs: number, mode: ProgressMode, io: Io): number => {
  const style = io.isTTY && !options.json && !io.env['NO_COLOR'] ? colored : plain
  const start = performance.now()
  const bar = progress(mode, runs, io.out, 'sweep ', 'run')
  const report = sweep(options, runs, (done, loss) => bar.update(done, loss))
  bar.done()
  const seconds = (performance.now() - start) / 1000
  if (options.json) io.out(JSON.stringify({ sweep: { ...report, seconds } }) + '\n')
  else io.out(sweepReport(report, seconds, style) + '\n')
  return EXIT_OK
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
  return options.sweep === undefined ? runSingle(options, mode, io) : runSweep(options, options.sweep, mode, io)
}

runMain('xor-demo', 'XOR_DEMO_DEBUG', main)
