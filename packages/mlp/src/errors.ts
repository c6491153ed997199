/** io-ts validation errors as one line each, with a path like `layers[1].W[0][2]`. */
import type * as t from 'io-ts'

const describe = (u: unknown): string => {
  if (u === undefined) return 'nothing'
  if (typeof u === 'string') return JSON.stringify(u.length > 40 ? `${u.slice(0, 40)}…` : u)
  if (Array.isArray(u)) return 'an array'
  if (u === null) return 'null'
  if (typeof u === 'object') return 'an object'
  return String(u)
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

/** One message per error, deduplicated (a union reports each branch). */
export const formatErrors = (errors: t.Errors): ReadonlyArray<string> => {
  const lines = errors.map((e) => {
    const path = pathOf(e.context)
    const expected = e.message ?? e.context[e.context.length - 1]!.type.name
    return `${path === '' ? 'the document' : path}: expected ${expected}, got ${describe(e.value)}`
  })
  return [...new Set(lines)]
}
