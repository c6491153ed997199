/**
 * Files: reading model files within bounds, and writing outputs atomically. Every failure is a one-line message
 * (Left), never an exception.
 *
 * Policy (also in the README and --help):
 * - an output path is resolved through symlinks first and the link's target is replaced; an existing target that is
 *   not a regular file (a directory, FIFO, device, socket) is refused;
 * - a write goes to a temporary `.NAME.tmp-PID-RANDOM` beside the target (within 255 bytes), which is fsync'ed, given
 *   the existing target's mode, renamed over the target, and the directory fsync'ed; temporaries of our kind left by
 *   a killed run (their process is gone) are removed before the next write to that target;
 * - whether a target can be written is probed (a temporary created and removed) before any training;
 * - a model file must be a regular file of at most MAX_MODEL_BYTES.
 */
import { randomBytes } from 'node:crypto'
import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  fsyncSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync
} from 'node:fs'
import type { Stats } from 'node:fs'
import { basename, dirname, isAbsolute, join, resolve } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import type { Model } from '@puregrad/mlp/Codec'
import { decodeModel } from '@puregrad/mlp/Codec'
import { fail, usage } from './shell.js'

/** The largest model file --load reads: far above the largest model an app's flags allow. */
export const MAX_MODEL_BYTES = 128 * 1024 * 1024

/** A file name's limit on Linux, macOS and Windows filesystems alike. */
const NAME_MAX = 255

const reason = (e: unknown): string => {
  switch ((e as { code?: string }).code) {
    case 'ENOENT':
      return 'no such file or directory'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'it is a directory'
    case 'ENOTDIR':
      return 'a part of the path is not a directory'
    case 'ENAMETOOLONG':
      return 'the name is too long'
    case 'ELOOP':
      return 'too many levels of symbolic links'
    case 'EROFS':
      return 'the file system is read-only'
    case 'ENOSPC':
      return 'no space left on the device'
    case 'EDQUOT':
      return 'the disk quota is exhausted'
    default:
      return e instanceof Error ? e.message : String(e)
  }
}

/** What kind of file a stat describes, for messages. */
const kindOf = (s: Stats): string =>
  s.isDirectory()
    ? 'a directory'
    : s.isFIFO()
      ? 'a FIFO'
      : s.isCharacterDevice()
        ? 'a character device'
        : s.isBlockDevice()
          ? 'a block device'
          : s.isSocket()
            ? 'a socket'
            : 'not a regular file'

const lstatOrUndefined = (path: string): Stats | undefined => {
  try {
    return lstatSync(path)
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return undefined
    throw e
  }
}

// -------------------------------------------------------------------------------------
// reading
// -------------------------------------------------------------------------------------

/**
 * Reads and decodes a model file. Left names the file and the first problems (path-qualified). Refuses anything but
 * a regular file (a FIFO is opened without blocking, so one with no writer cannot hang the run), files over
 * `maxBytes`, and models over `maxParameters`.
 */
export const readModel = (path: string, maxParameters: number, maxBytes = MAX_MODEL_BYTES): E.Either<string, Model> => {
  const text = readText(path, maxBytes)
  if (E.isLeft(text)) return text
  let json: unknown
  try {
    json = JSON.parse(text.right)
  } catch (e) {
    return E.left(`${path} is not JSON: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`)
  }
  const decoded = decodeModel(json, { maxParameters })
  if (E.isLeft(decoded)) {
    const shown = decoded.left.slice(0, 3).join('; ')
    const more = decoded.left.length > 3 ? ` (and more)` : ''
    return E.left(`${path} is not a valid model: ${shown}${more}`)
  }
  return E.right(decoded.right)
}

/**
 * The text of a regular file of at most `maxBytes` bytes; Left names the file and why not (missing, not a regular
 * file, too large), in one line.
 */
export const readText = (path: string, maxBytes: number): E.Either<string, string> => {
  let fd: number
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  } catch (e) {
    return E.left(`cannot read ${path}: ${reason(e)}`)
  }
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) return E.left(`cannot read ${path}: it is ${kindOf(stat)}, not a regular file`)
    if (stat.size > maxBytes) return E.left(`cannot read ${path}: it has ${stat.size.toLocaleString('en-US')} bytes, more than the limit of ${maxBytes.toLocaleString('en-US')}`)
    // Read up to one byte past the limit: a file that grows while it is read is still bounded.
    const buffer = Buffer.alloc(Math.min(maxBytes + 1, stat.size + 1))
    let length = 0
    for (let n; length < buffer.length && (n = readSync(fd, buffer, length, buffer.length - length, null)) > 0; ) length += n
    if (length > maxBytes) return E.left(`cannot read ${path}: it has more than the limit of ${maxBytes.toLocaleString('en-US')} bytes`)
    return E.right(buffer.toString('utf8', 0, length))
  } catch (e) {
    return E.left(`cannot read ${path}: ${reason(e)}`)
  } finally {
    closeSync(fd)
  }
}

// -------------------------------------------------------------------------------------
// output targets
// -------------------------------------------------------------------------------------

/** A resolved output: the file that will be replaced (symlinks followed), and the path the user gave. */
export interface Target {
  readonly given: string
  /** Absolute, symlinks in its last component followed; its directory's own path resolved with realpath. */
  readonly file: string
  /** The existing file's mode, kept by the replacement (undefined for a new file). */
  readonly mode: number | undefined
}

const MAX_LINKS = 40

/**
 * Resolves an output path: follows symlinks (a dangling one names the file to create), then checks that the target
 * is a regular file or does not exist yet, and that its directory exists and can be searched.
 */
export const resolveTarget = (given: string): E.Either<string, Target> => {
  const cannot = (why: string) => E.left(`cannot write ${given}: ${why}`)
  if (given.endsWith('/')) return cannot('the path ends with /, so it names a directory')
  try {
    let path = resolve(given)
    for (let links = 0; ; links++) {
      const dir = dirname(path)
      const dirStat = statDir(dir)
      if (E.isLeft(dirStat)) return cannot(dirStat.left)
      const bytes = Buffer.byteLength(basename(path))
      if (bytes > NAME_MAX) return cannot(`the name is too long (${bytes} bytes; a file name has at most ${NAME_MAX})`)
      const stat = lstatOrUndefined(path)
      if (stat?.isSymbolicLink()) {
        if (links === MAX_LINKS) return cannot(reason({ code: 'ELOOP' }))
        const link = readlinkSync(path)
        path = isAbsolute(link) ? resolve(link) : resolve(dir, link)
        continue
      }
      if (stat !== undefined && !stat.isFile()) {
        return cannot(`it is ${kindOf(stat)}, not a regular file, and will not be replaced`)
      }
      return E.right({ given, file: join(realpathSync(dir), basename(path)), mode: stat === undefined ? undefined : stat.mode & 0o7777 })
    }
  } catch (e) {
    return cannot(reason(e))
  }
}

/** Right when `dir` is a directory that can be searched; Left says why not (missing, not a directory, no access). */
const statDir = (dir: string): E.Either<string, void> => {
  try {
    if (!statSync(dir).isDirectory()) return E.left(`${dir} is not a directory`)
    return E.right(undefined)
  } catch (e) {
    const code = (e as { code?: string }).code
    if (code === 'ENOENT') return E.left(`the directory ${dir} does not exist`)
    if (code === 'EACCES' || code === 'EPERM') return E.left(`permission denied on the directory ${dir} (or one above it)`)
    return E.left(`the directory ${dir}: ${reason(e)}`)
  }
}

/** The identity of an existing file (device and inode: hard links included), or its path when it does not exist. */
export const identity = (path: string): string => {
  try {
    const s = statSync(path)
    return `${s.dev}:${s.ino}`
  } catch {
    return resolve(path)
  }
}

// -------------------------------------------------------------------------------------
// temporaries
// -------------------------------------------------------------------------------------

const TMP_MARK = '.tmp-'

/**
 * `.NAME.tmp-` for a target, with NAME cut (at a character boundary) so that the whole temporary name, PID and
 * random suffix included, stays within 255 bytes.
 */
const tmpPrefix = (file: string): string => {
  const room = NAME_MAX - Buffer.byteLength(`.${TMP_MARK}${4294967295}-${'f'.repeat(16)}`)
  let name = ''
  for (const c of basename(file)) {
    if (Buffer.byteLength(name + c) > room) break
    name += c
  }
  return `.${name}${TMP_MARK}`
}

const tmpPath = (file: string): string =>
  join(dirname(file), `${tmpPrefix(file)}${process.pid}-${randomBytes(8).toString('hex')}`)

const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM' // it exists, under another user
  }
}

/**
 * Removes this target's temporaries left by runs that were killed mid-write: names `.NAME.tmp-PID-RANDOM` whose PID
 * is no longer a running process. Other files, and temporaries of live runs, are left alone.
 */
export const removeStaleTemporaries = (target: Target): void => {
  const prefix = tmpPrefix(target.file)
  const pattern = /^(\d+)-[0-9a-f]{16}$/
  let names: ReadonlyArray<string>
  try {
    names = readdirSync(dirname(target.file))
  } catch {
    return // an unreadable directory: the write probe reports what matters
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue
    const match = pattern.exec(name.slice(prefix.length))
    if (match === null || processAlive(Number(match[1]))) continue
    try {
      unlinkSync(join(dirname(target.file), name))
    } catch {
      // Gone already, or not ours to remove: nothing lost either way.
    }
  }
}

/** Creates and removes a temporary beside the target: Left says why the real write would fail (before training). */
export const probeWrite = (target: Target): E.Either<string, void> => {
  const tmp = tmpPath(target.file)
  try {
    closeSync(openSync(tmp, 'wx', 0o600))
    unlinkSync(tmp)
    return E.right(undefined)
  } catch (e) {
    return E.left(`cannot write ${target.given}: ${reason(e)}`)
  }
}

// -------------------------------------------------------------------------------------
// atomic write
// -------------------------------------------------------------------------------------

/**
 * Writes `content` over the target atomically: a temporary beside it (created exclusively, given the target's mode),
 * written and fsync'ed, renamed over the target, then the directory fsync'ed so the rename survives a crash. Readers
 * see the old file or the new one, never a partial one; a failure leaves neither a partial file nor a temporary.
 */
export const writeAtomic = (target: Target, content: string): E.Either<string, void> => {
  const tmp = tmpPath(target.file)
  let fd: number | undefined
  try {
    fd = openSync(tmp, 'wx', target.mode ?? 0o666) // a new file gets the umask's mode, as any other would
    const bytes = Buffer.from(content, 'utf8')
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at)
    if (target.mode !== undefined) fchmodSync(fd, target.mode) // open() applied the umask to it
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    renameSync(tmp, target.file)
  } catch (e) {
    try {
      if (fd !== undefined) closeSync(fd)
      unlinkSync(tmp)
    } catch {
      // The temporary was never created, or is gone: nothing to clean.
    }
    return E.left(`cannot write ${target.given}: ${reason(e)}`)
  }
  syncDirectory(dirname(target.file))
  return E.right(undefined)
}

/** fsync of a directory, so a rename in it is durable; some file systems refuse it, which loses nothing written. */
const syncDirectory = (dir: string): void => {
  try {
    const fd = openSync(dir, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch {
    // EINVAL/EISDIR on file systems without directory fsync: the rename itself has happened.
  }
}

// -------------------------------------------------------------------------------------
// a run's outputs
// -------------------------------------------------------------------------------------

/** A run's resolved --save and --report targets. */
export interface Outputs {
  readonly save: Target | undefined
  readonly report: Target | undefined
}

/**
 * Resolves --save and --report (through symlinks), refuses two outputs naming one file or an output naming one of the
 * `inputs` (`[flag, path]`, e.g. --load: usage errors), removes temporaries killed runs left beside them, and probes
 * that each can be written: all before training, so no run's work is lost to a path that was never usable. Throws the
 * shell's Failure (exit 2 for usage, 1 otherwise).
 */
export const prepareOutputs = (save: string | undefined, report: string | undefined, inputs: ReadonlyArray<readonly [string, string | undefined]>): Outputs => {
  const resolved = (path: string | undefined): Target | undefined => (path === undefined ? undefined : E.getOrElseW(fail)(resolveTarget(path)))
  const outputs = { save: resolved(save), report: resolved(report) }
  if (outputs.save !== undefined && outputs.report !== undefined && identity(outputs.save.file) === identity(outputs.report.file)) {
    usage(`--save ${outputs.save.given} and --report ${outputs.report.given} name the same file: the report would overwrite the model`)
  }
  for (const [inputFlag, input] of inputs) {
    if (input === undefined) continue
    for (const [flag, target] of [['--save', outputs.save], ['--report', outputs.report]] as const) {
      if (target !== undefined && identity(target.file) === identity(input)) usage(`${flag} ${target.given} names the ${inputFlag} input ${input}: write the result to another file`)
    }
  }
  for (const target of [outputs.save, outputs.report]) {
    if (target === undefined) continue
    removeStaleTemporaries(target)
    E.getOrElseW(fail)(probeWrite(target))
  }
  return outputs
}
