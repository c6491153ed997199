#!/usr/bin/env node
/**
 * xor-demo: the notebook's XOR experiment on puregrad. This is the only module that reads argv and the environment,
 * writes files, prints and exits. Bad input gets one line on stderr and a non-zero exit (2 for usage), never a trace.
 */
import { writeSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { isatty } from 'node:tty'
import * as E from 'fp-ts/lib/Either.js'
import type { Model } from '@puregrad/mlp/Codec'
import { encodeModel } from '@puregrad/mlp/Codec'
import { widthsOf } from '@puregrad/mlp/Spec'
import type { Options } from './cli.js'
import { MAX_PARAMETERS, helpText, parseArgs } from './cli.js'
import type { Target } from '@puregrad/cli-kit/files'
import { identity, probeWrite, readModel, removeStaleTemporaries, resolveTarget, writeAtomic } from '@puregrad/cli-kit/files'
import type { ProgressMode } from '@puregrad/cli-kit/progress'
import { progress } from '@puregrad/cli-kit/progress'
import { colored, plain, runReport, sweepReport } from './render.js'
import type { Diverged, Outcome } from './run.js'
import { INPUTS, TARGETS, checkLoaded, trainFrom, trainWithRestarts } from './run.js'
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

const usage = (message: string): never => {
  throw new Failure(message, EXIT_USAGE)
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

/** The resolved output targets of a run, checked and probed before any training. */
interface Targets {
  readonly save: Target | undefined
  readonly report: Target | undefined
}

/**
 * Resolves --save and --report (through symlinks), refuses two outputs naming one file or an output naming the
 * --load input (usage errors), removes temporaries that killed runs left beside them, and probes that each can be
 * written: all before training, so no run's work is lost to a path that was never usable.
 */
const prepareTargets = (options: Options): Targets => {
  const resolved = (path: string | undefined): Target | undefined => (path === undefined ? undefined : E.getOrElseW(fail)(resolveTarget(path)))
  const save = resolved(options.save)
  const report = resolved(options.report)
  if (save !== undefined && report !== undefined && identity(save.file) === identity(report.file)) {
    usage(`--save ${save.given} and --report ${report.given} name the same file: the report would overwrite the model`)
  }
  if (options.load !== undefined) {
    const input = identity(options.load)
    for (const [flag, target] of [['--save', save], ['--report', report]] as const) {
      if (target !== undefined && identity(target.file) === input) {
        usage(`${flag} ${target.given} names the --load input ${options.load}: write the result to another file`)
      }
    }
  }
  for (const target of [save, report]) {
    if (target === undefined) continue
    removeStaleTemporaries(target)
    E.getOrElseW(fail)(probeWrite(target))
  }
  return { save, report }
}

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

const writeOutputs = (targets: Targets, outcome: Outcome, title: string, summary: ReadonlyArray<string>): void => {
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
  const targets = prepareTargets(options)
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
      if (e.message !== '') io.err(`xor-demo: ${oneLine(e.message)}\n`)
      return e.code
    }
    // A bug, not bad input: still one line, with the stack only on request.
    io.err(`xor-demo: unexpected error: ${oneLine(e instanceof Error ? e.message : String(e))} (set XOR_DEMO_DEBUG=1 for details)\n`)
    if (io.env['XOR_DEMO_DEBUG']) io.err(`${e instanceof Error ? e.stack : ''}\n`)
    return EXIT_FAILURE
  }
}

// -------------------------------------------------------------------------------------
// standard streams
// -------------------------------------------------------------------------------------

const pause = new Int32Array(new SharedArrayBuffer(4))

/**
 * Writes all of `text` to a file descriptor synchronously (process.stdout would drop a write error into an 'error'
 * event after the exit code is set). Retries while a non-blocking pipe is full. Returns the error code, if any.
 */
const writeAll = (fd: number, text: string): string | undefined => {
  const bytes = Buffer.from(text, 'utf8')
  for (let at = 0; at < bytes.length; ) {
    try {
      at += writeSync(fd, bytes, at, bytes.length - at)
    } catch (e) {
      const code = (e as { code?: string }).code ?? 'EIO'
      if (code !== 'EAGAIN') return code
      Atomics.wait(pause, 0, 0, 1) // the reader is behind: wait a millisecond
    }
  }
  return undefined
}

/**
 * stdout: a write that fails ends the run at once with exit 1 (its results are lost: `--json > /dev/full`), except a
 * closed pipe (`xor-demo | head -1`), which ends it quietly with 0: the reader had what it wanted.
 */
let stdoutBroken = false
const out = (text: string): void => {
  if (stdoutBroken) return
  const code = writeAll(1, text)
  if (code === undefined) return
  stdoutBroken = true
  throw code === 'EPIPE' ? new Failure('', EXIT_OK) : new Failure(`cannot write to standard output (${code}): the results are lost`)
}

/** stderr: best effort; a failure to report an error must not change the exit status it goes with. */
const err = (text: string): void => {
  writeAll(2, text)
}

const run = (): number => {
  try {
    return main(process.argv.slice(2), { out, err, isTTY: isatty(1), env: process.env })
  } catch (e) {
    // Only `out` throws outside main's own handler: the final document could not be written.
    if (e instanceof Failure) {
      if (e.message !== '') err(`xor-demo: ${e.message}\n`)
      return e.code
    }
    return EXIT_FAILURE
  }
}

process.exitCode = run()
