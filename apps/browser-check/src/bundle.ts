/**
 * Bundles entry.ts and everything it imports (@puregrad/mlp, grad, tensor as published: their dist builds, and
 * fp-ts) into one minified browser ES module with Vite, in memory. A Node built-in anywhere in the libraries would
 * fail the build, stay behind as an import of the chunk, or leave a Node-only global that `nodeReferences` finds.
 */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'vite'

const here = dirname(fileURLToPath(import.meta.url))

export interface Bundle {
  readonly code: string
  /** Modules the chunk still imports (a self-contained bundle has none). */
  readonly imports: ReadonlyArray<string>
}

export const bundleForBrowser = async (): Promise<Bundle> => {
  const output = await build({
    configFile: false,
    logLevel: 'silent',
    root: join(here, '..'),
    build: {
      write: false,
      minify: true, // also drops comments, whose code examples would read as imports
      target: 'es2022',
      lib: { entry: join(here, '..', 'src', 'entry.ts'), formats: ['es'], fileName: 'puregrad-browser' }
    }
  })
  const results = Array.isArray(output) ? output : [output]
  const chunks = results.flatMap((r) => ('output' in r ? r.output : [])).filter((o) => o.type === 'chunk')
  if (chunks.length !== 1) throw new Error(`expected one chunk, got ${chunks.length}`)
  const chunk = chunks[0]!
  return { code: chunk.code, imports: [...chunk.imports, ...chunk.dynamicImports] }
}

/** Node-only names in bundled code (built-in specifiers, require, process, Buffer): a browser bundle has none. */
export const nodeReferences = (code: string): ReadonlyArray<string> => [
  ...new Set(code.match(/\bnode:[a-z_/]+|\brequire\s*\(|\bprocess\.(env|versions|platform|cwd)\b|\bBuffer\.|\b__dirname\b/g) ?? [])
]
