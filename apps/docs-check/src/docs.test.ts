/**
 * Docs are code: every example in the READMEs and module doc comments type-checks under the strict config, runs, and
 * prints what the doc says it prints; every public module's .d.ts keeps its doc comment (pnpm test builds first).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { format } from 'node:util'
import { describe, expect, it, vi } from 'vitest'
import type { Example } from './extract.js'
import { fromMarkdown, fromModuleDoc } from './extract.js'

const app = join(dirname(fileURLToPath(import.meta.url)), '..')
const root = join(app, '..', '..')
const generated = join(app, 'generated')

const read = (path: string) => readFileSync(join(root, path), 'utf8')
const dirs = (parent: string) => readdirSync(join(root, parent), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `${parent}/${d.name}`)
const packages = dirs('packages')

const markdown = ['README.md', ...[...packages, ...dirs('apps')].map((d) => `${d}/README.md`)].filter((f) => existsSync(join(root, f)))
const modules = packages.flatMap((p) =>
  readdirSync(join(root, p, 'src'))
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .map((f) => `${p}/src/${f}`)
)

const examples: ReadonlyArray<Example> = [
  ...markdown.flatMap((f) => fromMarkdown(f, read(f))),
  ...modules.flatMap((f) => fromModuleDoc(f, read(f)))
]

/** Where an example's program is written: one module per example, named after its doc and line. */
const programOf = (e: Example): string => join(generated, `${e.file.replace(/[^\w]+/g, '_')}_L${e.line}.ts`)

rmSync(generated, { recursive: true, force: true })
mkdirSync(generated, { recursive: true })
for (const e of examples) writeFileSync(programOf(e), `${e.code}\n`)

describe('the docs\' examples', () => {
  it('there are examples to check', () => {
    expect(examples.length).toBeGreaterThanOrEqual(8)
  })

  it('all type-check under the strict config', () => {
    const tsc = join(app, 'node_modules', '.bin', 'tsc')
    const r = spawnSync(tsc, ['-p', join(app, 'tsconfig.examples.json')], { encoding: 'utf8', cwd: app })
    // Errors name the generated file: map it back to the doc and line.
    const report = (r.stdout + r.stderr).replace(/generated\/(\w+)_L(\d+)\.ts\((\d+),(\d+)\)/g, (_, file: string, line: string, l: string) => {
      const e = examples.find((x) => programOf(x).endsWith(`${file}_L${line}.ts`))
      return `${e?.file ?? file}:${Number(line) + Number(l)}`
    })
    expect(report).toBe('')
    expect(r.status).toBe(0)
  })

  it.each(examples.map((e) => [`${e.file}:${e.line}`, e] as const))('%s runs and prints what the doc shows', async (_, e) => {
    const printed: Array<string> = []
    const log = vi.spyOn(console, 'log').mockImplementation((...args: Array<unknown>) => {
      printed.push(format(...args))
    })
    try {
      await import(pathToFileURL(programOf(e)).href)
    } finally {
      log.mockRestore()
    }
    if (e.prints !== undefined) {
      const lines = (s: string) => s.split('\n').map((l) => l.trimEnd())
      expect(lines(printed.join('\n'))).toEqual(lines(e.prints.replace(/\n+$/, '')))
    }
  })
})

describe('published declarations', () => {
  const published = packages.filter((p) => (JSON.parse(read(`${p}/package.json`)) as { private?: boolean }).private !== true)
  const publicModules = published.flatMap((p) => {
    const index = read(`${p}/src/index.ts`)
    return ['index', ...[...index.matchAll(/export \* as \w+ from '\.\/(\w+)\.js'/g)].map((m) => m[1]!)].map((m) => `${p}/dist/${m}.d.ts`)
  })
  it.each(publicModules)('%s keeps its module doc comment', (file) => {
    expect(existsSync(join(root, file)), `${file} is missing: pnpm test builds before it tests`).toBe(true)
    expect(read(file).startsWith('/**')).toBe(true)
  })
})

export const examplesFound = (): ReadonlyArray<string> => examples.map((e) => `${relative(root, join(root, e.file))}:${e.line}`)
