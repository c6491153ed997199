/**
 * The built CLI, run as a user runs it: a spawned `node dist/main.js` (pnpm test builds it first).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { appDir, cli, run } from './testing/spawn.js'

const root = join(appDir, '..', '..')

interface Doc {
  spec: { widths: Array<number>; activations: Array<string>; loss: string; reduction: string }
  seed: number | null
  steps: number
  loss: number
  converged: boolean
  verdict: string
  attempt: number
  predictions: Array<{ input: [number, number]; target: number; output: number }>
}

const json = (args: ReadonlyArray<string>): Doc => {
  const r = run([...args, '--json'])
  expect(r.stderr).toBe('')
  expect(r.code).toBe(0)
  return JSON.parse(r.stdout) as Doc
}

let dir = ''
beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run pnpm build (pnpm test does it first)`)
  dir = mkdtempSync(join(tmpdir(), 'xor-demo-'))
})

describe('the default run reproduces the notebook', () => {
  it('prints the table, loss, steps and time, and every prediction is within 0.1 of its target', () => {
    const r = run([])
    expect(r.code).toBe(0)
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain('XOR with widths [2, 2, 1], seed 1')
    expect(r.stdout).toMatch(/loss \d\.\d{6} after 1000 steps in \d+\.\d{3} s/)
    expect(r.stdout).toContain('Learned XOR')
    expect(r.stdout).toMatch(/step 1000\/1000/) // plain progress lines: stdout is not a terminal
    const rows = [...r.stdout.matchAll(/^ {3}([01]) {3}([01]) {8}([01]) {3}(\d\.\d{4})/gm)]
    expect(rows.map((m) => [m[1], m[2], m[3]])).toEqual([['0', '0', '0'], ['0', '1', '1'], ['1', '0', '1'], ['1', '1', '0']])
    rows.forEach((m) => expect(Math.abs(Number(m[4]) - Number(m[3]))).toBeLessThan(0.1))
  })
  it('--quiet prints no progress, and no colour codes reach a pipe', () => {
    const r = run(['--quiet'])
    expect(r.stdout).not.toMatch(/step \d+\/1000/)
    expect(r.stdout).not.toContain('\x1b[')
  })
  it('--json prints exactly one JSON document with the run', () => {
    const r = run(['--json'])
    expect(r.stdout.trim().split('\n')).toHaveLength(1)
    const doc = JSON.parse(r.stdout) as Doc
    expect(doc.spec).toEqual({ widths: [2, 2, 1], activations: ['sigmoid', 'sigmoid'], loss: 'binaryCrossEntropy', reduction: 'sum' })
    expect([doc.seed, doc.steps, doc.converged, doc.verdict]).toEqual([1, 1000, true, 'converged'])
    expect(doc.predictions.map((p) => p.input)).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]])
    doc.predictions.forEach((p) => expect(Math.abs(p.output - p.target)).toBeLessThan(0.1))
    expect(doc.loss).toBeGreaterThan(0)
    expect(doc.loss).toBeLessThan(0.05)
  })
  it('is deterministic: the same options give the same document', () => {
    const strip = (d: Doc) => ({ ...d, seconds: 0 })
    expect(strip(json(['--seed', '4', '--steps', '300']))).toEqual(strip(json(['--seed', '4', '--steps', '300'])))
  })
  it('pnpm --silent demo --json prints only the document', () => {
    const r = spawnSync('pnpm', ['--silent', 'demo', '--json', '--steps', '10'], { cwd: root, encoding: 'utf8', timeout: 120_000 })
    expect(r.status).toBe(0)
    expect((JSON.parse(r.stdout) as Doc).steps).toBe(10)
  })
})

describe('on a terminal', () => {
  // util-linux `script` gives the CLI a pseudo-terminal, as a user's shell does.
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0
  const { NO_COLOR: _, ...withoutNoColor } = process.env
  const onTty = (args: string, env: NodeJS.ProcessEnv = withoutNoColor) =>
    spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} ${args}`, '/dev/null'], {
      encoding: 'utf8',
      env,
      timeout: 60_000
    }).stdout
  it.skipIf(!hasScript)('draws a live progress bar and colours the verdict; NO_COLOR turns colour off', () => {
    const out = onTty('--steps 3000')
    expect(out).toContain('\r\x1b[K')
    expect(out).toMatch(/█+░* step \d+\/3000 {2}loss \d\.\d{6} {2}[\d,]+ steps\/s/)
    expect(out).toContain('\x1b[32mLearned XOR')
    const plainOut = onTty('--steps 3000', { ...withoutNoColor, NO_COLOR: '1' })
    expect(plainOut).toContain('Learned XOR')
    expect(plainOut).not.toMatch(/\x1b\[\d+m/)
    expect(onTty('--steps 3000 --quiet')).not.toContain('\r\x1b[K')
  })
})

describe('options', () => {
  it('trains other recipes: wider, deeper, other activations, inits, optimizers and reductions', () => {
    const doc = json(['--hidden', '4,4', '--activation', 'tanh', '--init', 'glorotUniform', '--optimizer', 'adam', '--lr', '0.05', '--reduction', 'mean', '--steps', '1500'])
    expect(doc.spec).toEqual({ widths: [2, 4, 4, 1], activations: ['tanh', 'tanh', 'sigmoid'], loss: 'binaryCrossEntropy', reduction: 'mean' })
    expect(doc.converged).toBe(true)
    expect(json(['--optimizer', 'momentum', '--lr', '0.5', '--hidden', '3', '--steps', '800']).converged).toBe(true)
  })
  it('says plainly when a run ends stuck, and --restarts recovers', () => {
    const r = run(['--seed', '0', '--quiet'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('This run got stuck')
    expect(r.stdout).toContain('--restarts')
    // The loss the message names for the local minimum (k outputs at 0.5 cost k·ln 2) is the one the run reached.
    const floorAndLoss = (stdout: string) => stdout.match(/stays near (\d)·ln 2 ≈ (\d+\.\d+) \(this run: (\d+\.\d+)\)/)!.slice(1).map(Number)
    const [k, floor, loss] = floorAndLoss(r.stdout)
    expect(floor).toBeCloseTo(k! * Math.LN2, 3)
    expect(Math.abs(loss! - floor!)).toBeLessThan(0.1)
    const dead = run(['--activation', 'relu', '--seed', '1', '--quiet'])
    expect(floorAndLoss(dead.stdout)).toEqual([4, 2.773, 2.773])
    const doc = json(['--seed', '0', '--restarts', '5'])
    expect(doc.converged).toBe(true)
    expect(doc.attempt).toBeGreaterThan(0)
  })
  it('--sweep reports the converged share, the stuck runs and the loss distribution', () => {
    const r = run(['--sweep', '30', '--quiet'])
    expect(r.code).toBe(0)
    expect(r.stdout).toContain('Sweep over seeds 1…30 (30 runs')
    expect(r.stdout).toMatch(/converged +\d+ +\d+\.\d%/)
    expect(r.stdout).toMatch(/stuck +\d+ +\d+\.\d%/)
    expect(r.stdout).toMatch(/final loss: min \d\.\d{4} {2}25% /)
    const doc = JSON.parse(run(['--sweep', '30', '--json']).stdout) as { sweep: { runs: number; counts: Record<string, number>; share: number } }
    const { runs, counts, share } = doc.sweep
    expect(runs).toBe(30)
    expect(counts['converged']! + counts['stuck']! + counts['unfinished']! + counts['diverged']!).toBe(30)
    expect(share).toBe(counts['converged']! / 30)
    expect(counts['stuck']).toBeGreaterThan(0)
  })
  it('--help documents every flag and exits 0', () => {
    const r = run(['--help'])
    expect(r.code).toBe(0)
    for (const flag of ['--seed', '--steps', '--lr', '--hidden', '--activation', '--init', '--optimizer', '--reduction', '--restarts', '--sweep', '--save', '--load', '--report', '--json', '--quiet']) {
      expect(r.stdout).toContain(flag)
    }
  })
})

describe('model files', () => {
  it('--save then --load --steps 0 gives identical predictions', () => {
    const file = join(dir, 'model.json')
    const trained = json(['--save', file, '--seed', '2'])
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { format: string; layers: Array<unknown> }
    expect(saved.format).toBe('puregrad/mlp')
    expect(saved.layers).toHaveLength(2)
    const loaded = json(['--load', file, '--steps', '0'])
    expect(loaded.steps).toBe(0)
    expect(loaded.predictions).toEqual(trained.predictions)
    expect(loaded.loss).toBeCloseTo(trained.loss, 2)
    // Continuing training from the file lowers the loss further.
    expect(json(['--load', file, '--steps', '500']).loss).toBeLessThan(trained.loss)
  })
  it('writes reports that parse as SVG and HTML and hold the curve and the four points', () => {
    for (const name of ['report.svg', 'report.html']) {
      const file = join(dir, name)
      expect(run(['--report', file, '--quiet']).code).toBe(0)
      const text = readFileSync(file, 'utf8')
      expectWellFormed(text.replace(/^<!DOCTYPE html>\n/, ''))
      expect(text).toMatch(/<polyline id="loss-curve"[^>]* points="(\d+(\.\d+)?,\d+(\.\d+)? ){999}\d+(\.\d+)?,\d+(\.\d+)?"/)
      expect([...text.matchAll(/<circle class="point" data-input="([01]),([01])"/g)].map((m) => `${m[1]}${m[2]}`)).toEqual(['00', '01', '10', '11'])
      if (name.endsWith('.svg')) expect(text.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
      else expect(text).toMatch(/^<!DOCTYPE html>\n<html lang="en">[\s\S]*<svg id="report" xmlns/)
    }
  })
})

describe('bad input: one line on stderr, a non-zero exit, never a stack trace', () => {
  const bad = (args: ReadonlyArray<string>, code: number, message: RegExp) => {
    const r = run(args)
    expect(r.code).toBe(code)
    expect(r.stdout).toBe('')
    expect(r.stderr).toMatch(message)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).not.toMatch(/\n\s+at /)
  }
  it.each([
    [['--frobnicate'], /^xor-demo: unknown flag --frobnicate/],
    [['--lr', 'abc'], /^xor-demo: --lr: expected a positive number, got "abc"/],
    [['--steps', '-1'], /^xor-demo: --steps: expected an integer in \[0, 10000000\], got "-1"/],
    [['--hidden', '0'], /^xor-demo: --hidden: expected a comma-separated list of widths/]
  ])('usage error %j exits 2', (args, message) => bad(args, 2, message))

  it('--load of a missing file, of a file that is not JSON, of wrong shapes, of a wrong format tag exits 1', () => {
    bad(['--load', join(dir, 'nope.json')], 1, /^xor-demo: cannot read .*nope\.json: no such file/)
    const write = (name: string, text: string) => {
      writeFileSync(join(dir, name), text)
      return join(dir, name)
    }
    bad(['--load', write('text.json', 'not json {')], 1, /^xor-demo: .*text\.json is not JSON: /)
    // JSON.parse quotes the text it choked on; its line breaks must not break the one-line message.
    bad(['--load', write('lines.json', 'not\njson\r\n{\n')], 1, /^xor-demo: .*lines\.json is not JSON: .*not\\njson\\r\\n/)
    bad(['--load', join(dir, 'two\nlines.json')], 1, /^xor-demo: cannot read .*two\\nlines\.json: no such file/)
    const model = {
      format: 'puregrad/mlp',
      version: 1,
      spec: { widths: [2, 2, 1], activations: ['sigmoid', 'sigmoid'], loss: 'binaryCrossEntropy', reduction: 'sum' },
      layers: [{ W: [[0.1, -0.2], [0.3, 0.4]], b: [0, 0.1] }, { W: [[0.5], [-0.6]], b: [0.2] }]
    }
    bad(['--load', write('shapes.json', JSON.stringify(model))], 1, /is not a valid model: layers\[1\]\.W: expected 1×2, got 2×1$/m)
    bad(['--load', write('tag.json', JSON.stringify({ ...model, format: 'keras' }))], 1, /format: expected "puregrad\/mlp", got "keras"/)
    const wide = { ...model, spec: { ...model.spec, widths: [3, 2, 1] }, layers: [{ W: [[1, 2, 3], [4, 5, 6]], b: [0, 0] }, model.layers[0]] }
    bad(['--load', write('wide.json', JSON.stringify({ ...wide, layers: [wide.layers[0], { W: [[0.5, -0.6]], b: [0.2] }] }))], 1, /XOR needs a model with 2 inputs and 1 output, this one has widths \[3, 2, 1\]/)
  })
  it('--save into a directory that does not exist exits 1 and leaves no file behind', () => {
    const target = join(dir, 'missing', 'model.json')
    bad(['--save', target], 1, /^xor-demo: cannot write .*model\.json: the directory .*missing does not exist/)
    expect(existsSync(join(dir, 'missing'))).toBe(false)
  })
  it('a failed write leaves neither a partial file nor a temporary one', () => {
    const before = readdirSync(dir)
    bad(['--save', dir], 1, /^xor-demo: cannot write .*: it is a directory/)
    expect(readdirSync(dir)).toEqual(before)
  })
})

/** A strict check that a document is well-formed XML: balanced tags, quoted attributes, one root. */
const expectWellFormed = (text: string): void => {
  const stack: Array<string> = []
  let roots = 0
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<!--[\s\S]*?-->|([<>])/g
  let m: RegExpExecArray | null
  while ((m = tag.exec(text)) !== null) {
    if (m[5] !== undefined) throw new Error(`stray ${m[5]} at ${m.index}: ${text.slice(m.index, m.index + 40)}`)
    if (m[2] === undefined) continue
    if (m[1] === '/') {
      const open = stack.pop()
      if (open !== m[2]) throw new Error(`</${m[2]}> closes <${open}> at ${m.index}`)
    } else if (m[4] !== '/') {
      if (stack.length === 0) roots++
      stack.push(m[2])
    } else if (stack.length === 0) roots++
  }
  expect(stack).toEqual([])
  expect(roots).toBe(1)
}
