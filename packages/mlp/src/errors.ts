/**
 * Decoding errors as one line each, with a path like `layers[1].W[0][2]`, and the guard that makes a decoder total.
 * Nothing here serialises a value it was given: a bad value is described by its kind (and, for a primitive, a short
 * rendering), so deep nesting, cycles, BigInt, throwing getters and Proxies cannot turn an error into an exception.
 */

import type * as t from 'io-ts'

/** At most this many problems are reported for one document; the rest are counted, not collected. */
export const MAX_ERRORS = 8

/** A short description of any value, without calling anything it holds (no toJSON, toString or getters). */
export const describe = (u: unknown): string => {
  switch (typeof u) {
    case 'undefined':
      return 'nothing'
    case 'string':
      return JSON.stringify(u.length > 40 ? `${u.slice(0, 40)}…` : u)
    case 'number':
    case 'boolean':
      return String(u)
    case 'bigint':
      return `the BigInt ${u}n`
    case 'symbol':
      return 'a symbol'
    case 'function':
      return 'a function'
    default:
      return u === null ? 'null' : Array.isArray(u) ? 'an array' : 'an object'
  }
}

/** The path of an error: record keys as `.key`, array indices as `[i]`, the root omitted. */
const pathOf = (context: t.Context): string =>
  context
    .slice(1)
    .reduce((path, entry, i) => {
      const parent = context[i]!.type as { readonly _tag?: string }
      const isIndex = parent._tag === 'ArrayType' || parent._tag === 'ReadonlyArrayType' || parent._tag === 'TupleType'
      return isIndex ? `${path}[${entry.key}]` : path === '' ? entry.key : `${path}.${entry.key}`
    }, '')

/** One message per error, deduplicated (a union reports each branch), at most MAX_ERRORS of them. */
export const formatErrors = (errors: t.Errors): ReadonlyArray<string> => {
  const lines = errors.map((e) => {
    const path = pathOf(e.context)
    const expected = e.message ?? e.context[e.context.length - 1]!.type.name
    return `${path === '' ? 'the document' : path}: expected ${expected}, got ${describe(e.value)}`
  })
  return [...new Set(lines)].slice(0, MAX_ERRORS)
}

/**
 * Runs a decoder over a value that may be hostile (a Proxy, a throwing getter, a revoked object): whatever it throws
 * becomes a Left naming the document, described without touching the thrown value's own methods.
 */
export const total = <A>(decode: () => A, onThrow: (message: string) => A): A => {
  try {
    return decode()
  } catch (e) {
    let message = 'it could not be read'
    try {
      if (e instanceof Error && typeof e.message === 'string') message = `reading it threw: ${e.message.slice(0, 200)}`
    } catch {
      // A thrown Proxy can throw again on inspection; the generic message stands.
    }
    return onThrow(message)
  }
}
