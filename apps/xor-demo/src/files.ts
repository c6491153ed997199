/** Reading model files and writing outputs atomically. Every failure is a one-line message, never an exception. */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import * as E from 'fp-ts/lib/Either.js'
import type { Model } from '@puregrad/mlp/Codec'
import { decodeModel } from '@puregrad/mlp/Codec'

const reason = (e: unknown): string => {
  const code = (e as { code?: string }).code
  switch (code) {
    case 'ENOENT':
      return 'no such file'
    case 'EACCES':
    case 'EPERM':
      return 'permission denied'
    case 'EISDIR':
      return 'it is a directory'
    default:
      return e instanceof Error ? e.message : String(e)
  }
}

/** Reads and decodes a model file: Left names the file and the first problems (path-qualified). */
export const readModel = (path: string): E.Either<string, Model> => {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (e) {
    return E.left(`cannot read ${path}: ${reason(e)}`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (e) {
    return E.left(`${path} is not JSON: ${e instanceof Error ? e.message : String(e)}`)
  }
  const decoded = decodeModel(json)
  if (E.isLeft(decoded)) {
    const shown = decoded.left.slice(0, 3).join('; ')
    const more = decoded.left.length > 3 ? ` (and ${decoded.left.length - 3} more)` : ''
    return E.left(`${path} is not a valid model: ${shown}${more}`)
  }
  return E.right(decoded.right)
}

/**
 * Whether `path` can be a file to write: its directory exists and it is not itself a directory.
 * Checked before training, so a long run does not end in a path that was never usable.
 */
export const checkWritable = (path: string): E.Either<string, void> => {
  const dir = dirname(path)
  if (!existsSync(dir)) return E.left(`cannot write ${path}: the directory ${dir} does not exist`)
  if (!statSync(dir).isDirectory()) return E.left(`cannot write ${path}: ${dir} is not a directory`)
  if (existsSync(path) && statSync(path).isDirectory()) return E.left(`cannot write ${path}: it is a directory`)
  return E.right(undefined)
}

/**
 * Writes `content` to `path` atomically: a temporary file beside it, then a rename, so readers never see a partial
 * file and a failure leaves nothing behind. Left with a one-line message when the directory is missing or unwritable.
 */
export const writeAtomic = (path: string, content: string): E.Either<string, void> => {
  const target = checkWritable(path)
  if (E.isLeft(target)) return target
  const dir = dirname(path)
  const tmp = join(dir, `.${basename(path)}.${process.pid}.tmp`)
  try {
    writeFileSync(tmp, content, { flag: 'wx' })
    renameSync(tmp, path)
    return E.right(undefined)
  } catch (e) {
    rmSync(tmp, { force: true })
    return E.left(`cannot write ${path}: ${reason(e)}`)
  }
}
