#!/usr/bin/env node
/**
 * xor-demo: the notebook's XOR experiment on puregrad. This is the only module that reads argv and the environment,
 * writes files, prints and exits. Bad input gets one line on stderr and a non-zero exit (2 for usage), never a trace.
 */
import { performance } from 'node:perf_hooks'
import * as E from 'fp-ts/lib/Either.js'
import { encodeModel } from '@puregrad/mlp/Codec'
import type { Options } from './cli.js'
import { helpText, parseArgs } from './cli.js'
import { checkWritable, readModel, writeAtomic } from './files.js'
import type { ProgressMode } from './progress.js'
import { progress } from './progress.js'
import { colored, plain, runReport, sweepReport } from './render.js'
import type { Diverged, Outcome } from './run.js'
import { INPUTS, TARGETS, trainFrom, trainWithRestarts } from './run.js'
import { htmlReport, svgReport } from './svg.js'
import { sweep } from './sweep.js'

const EXIT_OK = 0
const EXIT_FAILURE = 1
const EXIT_USAGE = 2

interface Io {
  readonly out: (s: string) => void
  readonly err: (s: string) => void
  readonly isTTY: boolean
  readonly env: NodeJS.ProcessEnv
}

class Failure {
  constructor(readonly message: string, readonly code: number = EXIT_FAILURE) {}
}

const fail = (message: string): never => {
  throw new Failure(message)
}

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

const train = (options: Options, mode: ProgressMode, io: Io): E.Either<Diverged, Outcome> => {
  const bar = progress(mode, options.steps, io.out)
  const onStep = (s: { step: number; loss: number | null }) => bar.update(s.step, s.loss ?? NaN)
  try {
    if (options.load === undefined) return trainWithRestarts(options, onStep)
    const model = E.getOrElseW(fail)(readModel(options.load))
    const { widths } = model.spec
    if (widths[0] !== 2 || widths[widths.length - 1] !== 1) {
      fail(`${options.load}: XOR needs a model with 2 inputs and 1 output, this one has widths [${widths.join(', ')}]`)
    }
    return trainFrom(model.spec, model.params, options, onStep)
  } finally {
    bar.done()
  }
}

const writeOutputs = (options: Options, outcome: Outcome, title: string, summary: ReadonlyArray<string>): void => {
  if (options.save !== undefined) {
    const model = E.getOrElseW((e: string) => fail(`cannot save the model: ${e}`))(encodeModel(outcome.spec, outcome.params))
    E.getOrElseW(fail)(writeAtomic(options.save, JSON.stringify(model, null, 2) + '\n'))
  }
  if (options.report !== undefined) {
    const doc = /\.svg$/i.test(options.report) ? svgReport(outcome, title) : htmlReport(outcome, title, summary)
    E.getOrElseW(fail)(writeAtomic(options.report, doc + '\n'))
  }
}

const runSingle = (options: Options, mode: ProgressMode, io: Io): number => {
  const style = io.isTTY && !options.json && !io.env['NO_COLOR'] ? colored : plain
  for (const path of [options.save, options.report]) if (path !== undefined) E.getOrElseW(fail)(checkWritable(path))
  const start = performance.now()
  const outcome = E.getOrElseW((d: Diverged) => fail(d.message))(train(options, mode, io))
  const seconds = (performance.now() - start) / 1000
  const title = `puregrad XOR: widths [${outcome.spec.widths.join(', ')}], ${outcome.verdict}`
  writeOutputs(options, outcome, title, [
    `loss ${outcome.loss.toFixed(6)} after ${outcome.steps} steps`,
    options.load === undefined ? `seed ${options.seed}, restart ${outcome.attempt}` : `loaded from ${options.load}`,
    `optimizer ${options.optimizer}, learning rate ${options.lr}`
  ])
  if (options.json) {
    io.out(JSON.stringify(jsonDocument(options, outcome, seconds)) + '\n')
    return EXIT_OK
  }
  io.out(runReport(outcome, seconds, options.seed, style) + '\n')
  if (options.save !== undefined) io.out(`\nsaved the model to ${options.save}\n`)
  if (options.report !== undefined) io.out(`${options.save === undefined ? '\n' : ''}wrote the report to ${options.report}\n`)
  return EXIT_OK
}

const runSweep = (options: Options, runs: number, mode: ProgressMode, io: Io): number => {
  const style = io.isTTY && !options.json && !io.env['NO_COLOR'] ? colored : plain
  const start = performance.now()
  const bar = progress(mode, runs, io.out, 'sweep ')
  const report = sweep(options, runs, (done, loss) => bar.update(done, loss))
  bar.done()
  const seconds = (performance.now() - start) / 1000
  if (options.json) io.out(JSON.stringify({ sweep: { ...report, seconds } }) + '\n')
  else io.out(sweepReport(report, seconds, style) + '\n')
  return EXIT_OK
}

const escapes: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/**
 * An error message as exactly one line: line breaks and other control characters that arrive inside it (a file's
 * contents quoted by JSON.parse, a path) are shown escaped: \n, \r, \t, else \uXXXX.
 */
const oneLine = (message: string): string =>
  message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => escapes[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

/** Runs the app; returns the exit code. Never throws. */
const main = (argv: ReadonlyArray<string>, io: Io): number => {
  const parsed = parseArgs(argv)
  if (E.isLeft(parsed)) {
    io.err(`xor-demo: ${oneLine(parsed.left.message)}\n`)
    return EXIT_USAGE
  }
  const options = parsed.right
  if (options.help) {
    io.out(helpText + '\n')
    return EXIT_OK
  }
  const mode: ProgressMode = options.json || options.quiet ? 'off' : io.isTTY ? 'bar' : 'lines'
  try {
    return options.sweep === undefined ? runSingle(options, mode, io) : runSweep(options, options.sweep, mode, io)
  } catch (e) {
    if (e instanceof Failure) {
      io.err(`xor-demo: ${oneLine(e.message)}\n`)
      return e.code
    }
    // A bug, not bad input: still one line, with the stack only on request.
    io.err(`xor-demo: unexpected error: ${oneLine(e instanceof Error ? e.message : String(e))} (set XOR_DEMO_DEBUG=1 for details)\n`)
    if (io.env['XOR_DEMO_DEBUG']) io.err(`${e instanceof Error ? e.stack : ''}\n`)
    return EXIT_FAILURE
  }
}

// A closed pipe (`xor-demo | head -1`) is not an error worth a trace.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(EXIT_OK)
})

process.exitCode = main(process.argv.slice(2), {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  isTTY: process.stdout.isTTY === true,
  env: process.env
})
