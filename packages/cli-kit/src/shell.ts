/**
 * The shell of a command-line app: exit codes, failures as values, one-line messages, and standard streams written
 * synchronously. `runMain` runs an app's main so that bad input gets one line on stderr and a non-zero exit (2 for
 * usage), never a stack trace, and a bug still gets one line (its stack only when the app's debug variable is set).
 */
import { writeSync } from 'node:fs'
import { isatty } from 'node:tty'

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2

/** What an app's main reads and writes. */
export interface Io {
  readonly out: (s: string) => void
  readonly err: (s: string) => void
  readonly isTTY: boolean
  readonly env: NodeJS.ProcessEnv
}

/** A failure the app reports in one line and exits with (an empty message reports nothing). */
export class Failure {
  constructor(
    readonly message: string,
    readonly code: number = EXIT_FAILURE
  ) {}
}

/** Ends the run with exit 1 and the message. */
export const fail = (message: string): never => {
  throw new Failure(message)
}

/** Ends the run with exit 2 (a usage error) and the message. */
export const usage = (message: string): never => {
  throw new Failure(message, EXIT_USAGE)
}

const escapes: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' }

/**
 * A message as exactly one line: line breaks and other control characters that arrive inside it (a file's contents
 * quoted by JSON.parse, a path) are shown escaped: \n, \r, \t, else \uXXXX.
 */
export const oneLine = (message: string): string =>
  message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => escapes[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)

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
 * Runs `main(argv, io)` as the process: stdout writes that fail end the run at once with exit 1 (its results are
 * lost: `--json > /dev/full`), except a closed pipe (`app | head -1`), which ends it quietly with 0; stderr is best
 * effort. Failures print `name: message`; anything else is a bug, printed in one line, with its stack when the
 * environment variable `debugVariable` is set. Sets process.exitCode.
 */
export const runMain = (name: string, debugVariable: string, main: (argv: ReadonlyArray<string>, io: Io) => number): void => {
  let stdoutBroken = false
  const out = (text: string): void => {
    if (stdoutBroken) return
    const code = writeAll(1, text)
    if (code === undefined) return
    stdoutBroken = true
    throw code === 'EPIPE' ? new Failure('', EXIT_OK) : new Failure(`cannot write to standard output (${code}): the results are lost`)
  }
  const err = (text: string): void => {
    writeAll(2, text)
  }
  const io: Io = { out, err, isTTY: isatty(1), env: process.env }
  const report = (e: unknown): number => {
    if (e instanceof Failure) {
      if (e.message !== '') err(`${name}: ${oneLine(e.message)}\n`)
      return e.code
    }
    err(`${name}: unexpected error: ${oneLine(e instanceof Error ? e.message : String(e))} (set ${debugVariable}=1 for details)\n`)
    if (process.env[debugVariable]) err(`${e instanceof Error ? e.stack : ''}\n`)
    return EXIT_FAILURE
  }
  let code: number
  try {
    code = main(process.argv.slice(2), io)
  } catch (e) {
    try {
      code = report(e)
    } catch (inner) {
      code = inner instanceof Failure ? inner.code : EXIT_FAILURE
    }
  }
  process.exitCode = code
}
