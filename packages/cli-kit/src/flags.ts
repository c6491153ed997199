/**
 * Command-line flags: argv split into `--flag value`, `--flag=value`, boolean flags and `-h`, then every value
 * decoded by an io-ts codec. A problem is a `UsageError` value (exit 2), never an exception.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as t from 'io-ts'

export class UsageError extends Error {
  override readonly name = 'UsageError'
}

// -------------------------------------------------------------------------------------
// codecs for flag values (strings from argv)
// -------------------------------------------------------------------------------------

/** A flag value decoded by `parse`; numbers and names forgive surrounding blanks, paths are taken exactly as given. */
export const fromString = <A>(name: string, parse: (s: string) => A | undefined, { trim = true } = {}): t.Type<A, string, unknown> =>
  new t.Type<A, string, unknown>(
    name,
    (_): _ is A => false,
    (u, c) => {
      const parsed = typeof u === 'string' ? parse(trim ? u.trim() : u) : undefined
      return parsed === undefined ? t.failure(u, c, name) : t.success(parsed)
    },
    String
  )

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/

/** An integer in [min, max], written in decimal digits only. */
export const integerIn = (name: string, min: number, max: number) =>
  fromString(name, (s) => {
    if (!/^\d+$/.test(s)) return undefined
    const n = Number(s)
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined
  })

export const positiveNumber = fromString('a positive number', (s) => {
  const n = DECIMAL.test(s) ? Number(s) : NaN
  return Number.isFinite(n) && n > 0 ? n : undefined
})

export const oneOf = <K extends string>(names: ReadonlyArray<K>) =>
  fromString(`one of ${names.join(', ')}`, (s) => ((names as ReadonlyArray<string>).includes(s) ? (s as K) : undefined))

/** A path, exactly as given (not trimmed), not empty. */
export const path = fromString('a file path', (s) => (s === '' ? undefined : s), { trim: false })

/** A report path: .svg or .html. */
export const reportPath = fromString('a file path ending in .svg or .html', (s) => (/\.(svg|html?)$/i.test(s) ? s : undefined), { trim: false })

// -------------------------------------------------------------------------------------
// parsing
// -------------------------------------------------------------------------------------

/** What `parseFlags` read: each value flag decoded, and every flag given (value and boolean). */
export interface Parsed<V extends Record<string, t.Decoder<unknown, unknown>>> {
  readonly values: { readonly [K in keyof V]?: V[K] extends t.Decoder<unknown, infer A> ? A : never }
  readonly given: ReadonlySet<string>
}

const describe = (u: unknown): string => JSON.stringify(u)

/** A flag name as typed, shortened and with control characters escaped by JSON when it is not plain. */
const describeName = (name: string): string => (/^[\w-]{1,40}$/.test(name) ? name : JSON.stringify(name.slice(0, 40)))

/**
 * Decodes argv (without node and the script) against the app's value flags (name → codec) and boolean flags; `-h`
 * is `help`. Left(UsageError) for an unknown flag (with a hint for a wrongly cased one), a missing or malformed
 * value, or a repeated flag.
 */
export const parseFlags = <V extends Record<string, t.Decoder<unknown, unknown>>>(
  argv: ReadonlyArray<string>,
  valueFlags: V,
  booleanFlags: ReadonlyArray<string>
): E.Either<UsageError, Parsed<V>> => {
  const raw = new Map<string, string>()
  const flags = new Set<string>()
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '-h') {
      flags.add('help')
      continue
    }
    const match = /^--([^=]+)(?:=(.*))?$/s.exec(arg)
    if (match === null) return E.left(new UsageError(`unexpected argument ${describe(arg)} (flags start with --; see --help)`))
    const [, name, inline] = match as unknown as [string, string, string | undefined]
    if (booleanFlags.includes(name)) {
      if (inline !== undefined) return E.left(new UsageError(`--${name} takes no value`))
      flags.add(name)
      continue
    }
    if (!Object.hasOwn(valueFlags, name)) {
      const lower = name.toLowerCase()
      const hint = lower !== name && (Object.hasOwn(valueFlags, lower) || booleanFlags.includes(lower)) ? `; did you mean --${lower}?` : ''
      return E.left(new UsageError(`unknown flag --${describeName(name)} (see --help${hint})`))
    }
    if (raw.has(name)) return E.left(new UsageError(`--${name} is given twice`))
    const value = inline ?? argv[++i]
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      return E.left(new UsageError(`--${name} needs a value: ${valueFlags[name]!.name}`))
    }
    raw.set(name, value)
  }
  const values: Record<string, unknown> = {}
  for (const [name, value] of raw) {
    const codec = valueFlags[name]!
    const result = codec.decode(value)
    if (E.isLeft(result)) return E.left(new UsageError(`--${name}: expected ${codec.name}, got ${describe(value)}`))
    values[name] = result.right
  }
  return E.right({ values: values as Parsed<V>['values'], given: new Set([...raw.keys(), ...flags]) })
}
