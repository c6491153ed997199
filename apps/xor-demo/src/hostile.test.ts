/**
 * The CLI under hostile use (issue 12): nothing lost, nothing corrupt, nothing unbounded. Each test names the item it
 * guards. Rules that would harm the machine if tried on the real thing (replacing /dev/null as root) are tried on a
 * FIFO or a symlink made inside a temporary directory.
 */
import { execFileSync } from 'node:child_process'
import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, readlinkSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import * as M from '@puregrad/tensor/Matrix'
import { predict } from '@puregrad/mlp/Mlp'
import * as Init from '@puregrad/mlp/Init'
import { key } from '@puregrad/tensor/Random'
import { lossRecorder } from './history.js'
import { predictOver } from './run.js'
import { run } from './testing/spawn.js'

let dir = ''
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'xor-demo-hostile-'))
})
const at = (name: string) => join(dir, name)
const isRoot = process.getuid?.() === 0

/** One line on stderr, the exit code, nothing on stdout: refused before any training (no progress line). */
const refused = (args: ReadonlyArray<string>, code: number, message: RegExp) => {
  const r = run(args)
  expect(r.stderr.trim()).toMatch(message)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
  expect(r.stdout).toBe('')
  expect(r.code).toBe(code)
}

const mkfifo = (path: string) => execFileSync('mkfifo', [path])

const model = (widths: ReadonlyArray<number>, weight = 0.1) => ({
  format: 'puregrad/mlp',
  version: 1,
  spec: { widths, activations: widths.slice(1).map(() => 'sigmoid'), loss: 'binaryCrossEntropy', reduction: 'sum' },
  layers: widths.slice(1).map((out, l) => ({ W: Array.from({ length: out }, () => new Array(widths[l]).fill(weight)), b: new Array(out).fill(0) }))
})

describe('1. outputs that are not regular files', () => {
  it('--save through a symlink replaces its target and keeps the link', () => {
    symlinkSync('real.json', at('link.json'))
    expect(run(['--steps', '5', '--quiet', '--save', at('link.json')]).code).toBe(0)
    expect(lstatSync(at('link.json')).isSymbolicLink()).toBe(true)
    expect(readlinkSync(at('link.json'))).toBe('real.json')
    expect(JSON.parse(readFileSync(at('real.json'), 'utf8')).format).toBe('puregrad/mlp')
  })
  it('a FIFO (or a link to one) is refused with exit 1 and left as it is', () => {
    mkfifo(at('fifo'))
    symlinkSync('fifo', at('to-fifo.html'))
    refused(['--save', at('fifo')], 1, /^xor-demo: cannot write .*fifo: it is a FIFO, not a regular file, and will not be replaced$/)
    refused(['--report', at('to-fifo.html')], 1, /it is a FIFO/)
    expect(statSync(at('fifo')).isFIFO()).toBe(true)
  })
})

describe('2. non-finite parameters', () => {
  it('--lr 1.7e308 reports divergence, exit 1, and writes no file', () => {
    refused(['--lr', '1.7e308', '--steps', '1', '--save', at('m2.json'), '--quiet'], 1, /^xor-demo: training diverged: the parameters became non-finite at step 1/)
    expect(existsSync(at('m2.json'))).toBe(false)
  })
})

describe('3. outputs naming one file', () => {
  it('--save and --report on the same file, directly or through a link, is a usage error', () => {
    refused(['--save', at('same.html'), '--report', at('same.html')], 2, /name the same file/)
    writeFileSync(at('target.html'), 'x')
    symlinkSync('target.html', at('alias.html'))
    refused(['--save', at('target.html'), '--report', at('alias.html')], 2, /name the same file/)
    expect(readFileSync(at('target.html'), 'utf8')).toBe('x')
  })
  it('an output naming the --load input is a usage error', () => {
    expect(run(['--steps', '3', '--quiet', '--save', at('in.json')]).code).toBe(0)
    refused(['--load', at('in.json'), '--save', at('in.json')], 2, /--save .*in\.json names the --load input/)
  })
})

describe('4. the mode of a replaced file', () => {
  it('--save onto a 0600 file leaves a 0600 file', () => {
    writeFileSync(at('secret.json'), '{}')
    chmodSync(at('secret.json'), 0o600)
    expect(run(['--steps', '3', '--quiet', '--save', at('secret.json')]).code).toBe(0)
    expect(statSync(at('secret.json')).mode & 0o777).toBe(0o600)
  })
})

describe('5. temporaries', () => {
  it('stale temporaries of a killed run are removed; a live run\'s are kept; nothing is left behind', () => {
    mkdirSync(at('t5'))
    const stale = join(dir, 't5', '.out.json.tmp-999999999-0123456789abcdef')
    const live = join(dir, 't5', `.out.json.tmp-${process.pid}-0123456789abcdef`)
    const other = join(dir, 't5', '.unrelated.tmp-999999999-0123456789abcdef')
    for (const f of [stale, live, other]) writeFileSync(f, 'partial')
    expect(run(['--steps', '3', '--quiet', '--save', join(dir, 't5', 'out.json')]).code).toBe(0)
    expect(readdirSync(at('t5')).sort()).toEqual(['.out.json.tmp-' + process.pid + '-0123456789abcdef', '.unrelated.tmp-999999999-0123456789abcdef', 'out.json'].sort())
  })
  it('a legal 255-byte name is written (the temporary name is cut to fit)', () => {
    const name = 'n'.repeat(250) + '.json'
    expect(run(['--steps', '3', '--quiet', '--save', at(name)]).code).toBe(0)
    expect(existsSync(at(name))).toBe(true)
  })
})

describe('6. targets checked before training', () => {
  it('a trailing slash, an over-long name and a missing directory are refused before any step', () => {
    refused(['--save', at('out/')], 1, /the path ends with \//)
    refused(['--save', at('n'.repeat(256))], 1, /the name is too long \(256 bytes/)
    refused(['--report', join(dir, 'nowhere', 'r.svg')], 1, /the directory .*nowhere does not exist/)
  })
  it.skipIf(isRoot)('an unwritable directory is found by the write probe before training', () => {
    mkdirSync(at('ro'))
    chmodSync(at('ro'), 0o500)
    refused(['--save', join(dir, 'ro', 'm.json')], 1, /cannot write .*m\.json: permission denied/)
  })
})

describe('7, 11. networks the flags allow', () => {
  it('a parameter count over the cap and too many layers are usage errors, before training', () => {
    refused(['--hidden', new Array(18).fill(1024).join(',')], 2, /--hidden: this network has 17,847,297 parameters, more than the limit of 2,000,000/)
    refused(['--hidden', new Array(300).fill(1).join(',')], 2, /--hidden: at most 64 hidden layers, got 300/)
  })
  it('the loss history is bounded and evenly spaced however long the run', () => {
    const recorder = lossRecorder(8)
    for (let step = 1; step <= 1000; step++) recorder.add(step)
    const { losses, stride } = recorder.history()
    expect(losses.length).toBeLessThanOrEqual(8)
    expect(losses).toEqual(losses.map((_, i) => (i + 1) * stride))
    const short = lossRecorder(8)
    for (let step = 1; step <= 5; step++) short.add(step)
    expect(short.history()).toEqual({ losses: [1, 2, 3, 4, 5], stride: 1 })
  })
})

describe('8, 9, 10. bounded --load', () => {
  it('a FIFO with no writer and a character device are refused at once, not read', () => {
    mkfifo(at('in-fifo'))
    refused(['--load', at('in-fifo')], 1, /cannot read .*in-fifo: it is a FIFO, not a regular file/)
    refused(['--load', '/dev/zero'], 1, /cannot read \/dev\/zero: it is a character device, not a regular file/)
  })
  it('a file over the size cap is refused without reading it', () => {
    writeFileSync(at('big.json'), '')
    truncateSync(at('big.json'), 200 * 1024 * 1024) // sparse: no disk used
    refused(['--load', at('big.json')], 1, /it has 209,715,200 bytes, more than the limit of 134,217,728/)
  })
  it('a file of a million nulls gets its first problem in one line, without exhausting memory', () => {
    const doc = model([2, 2, 1])
    writeFileSync(at('nulls.json'), JSON.stringify({ ...doc, layers: [{ W: new Array(1_000_000).fill(null), b: [0, 0] }, doc.layers[1]] }))
    refused(['--load', at('nulls.json')], 1, /is not a valid model: layers\[0\]\.W\[0\]: expected Array<number>, got null/)
  })
  it('a model over the parameter cap is refused from its spec', () => {
    const doc = model([2, 2, 1])
    writeFileSync(at('wide.json'), JSON.stringify({ ...doc, spec: { ...doc.spec, widths: [2, 900000, 1] } }))
    refused(['--load', at('wide.json')], 1, /spec\.widths: \[2, 900000, 1\] has 3,600,001 parameters, more than the limit of 2,000,000/)
  })
  it('predictions over a grid in chunks give the same bits as one pass', () => {
    const spec = { widths: [2, 300, 1], activations: ['tanh', 'sigmoid'], loss: 'binaryCrossEntropy', reduction: 'sum' } as const
    const params = Init.init(Init.glorotUniform)(key(3), spec)
    const grid = M.makeBy(2, 615, (i, k) => (i === 0 ? (k % 41) / 40 : Math.floor(k / 41) / 14))
    const whole = predict(spec, params)(grid).data
    for (const entries of [1, 700, 5000]) expect(Array.from(predictOver(spec, params, grid, entries))).toEqual(Array.from(whole))
  })
})

describe('15. a loaded model whose loss is not finite', () => {
  it('is refused the same way with --steps 0 and --steps 1', () => {
    const doc = model([2, 2, 1], 1e308)
    writeFileSync(at('saturated.json'), JSON.stringify(doc))
    for (const steps of ['0', '1']) {
      refused(['--load', at('saturated.json'), '--steps', steps], 1, /saturated\.json: the loss of this model on XOR is NaN, not a finite number, before any update/)
    }
  })
})

describe('17. exit status when output is lost', () => {
  it('--json onto a full device exits 1; a usage error with stderr on a full device still exits 2', () => {
    const full = openSync('/dev/full', 'w')
    try {
      expect(run(['--json', '--steps', '3'], {}, ['ignore', full, 'pipe']).code).toBe(1)
      expect(run(['--json', '--steps', '3'], {}, ['ignore', full, 'pipe']).stderr).toMatch(/cannot write to standard output \(ENOSPC\)/)
      expect(run(['--frobnicate'], {}, ['ignore', 'pipe', full]).code).toBe(2)
    } finally {
      closeSync(full)
    }
  })
})

describe('18. sweeps', () => {
  it('--sweep with --report is refused; the JSON lists every seed with loss and verdict; progress counts runs', () => {
    refused(['--sweep', '3', '--report', at('s.html')], 2, /^xor-demo: --report cannot be combined with --sweep$/)
    const doc = JSON.parse(run(['--sweep', '4', '--seed', '5', '--json']).stdout) as { sweep: { seeds: Array<{ seed: number; loss: number; verdict: string }> } }
    expect(doc.sweep.seeds.map((s) => s.seed)).toEqual([5, 6, 7, 8])
    doc.sweep.seeds.forEach((s) => expect(['converged', 'stuck', 'unfinished']).toContain(s.verdict))
    const lines = run(['--sweep', '10']).stdout
    expect(lines).toMatch(/^sweep run 10\/10 {2}loss \d\.\d{6} {2}[\d.,]+ runs\/s$/m)
    expect(lines).not.toMatch(/steps\/s/)
  })
  it('restart attempts are labelled in the progress output', () => {
    expect(run(['--seed', '0', '--restarts', '3']).stdout).toMatch(/^restart 1: step 1000\/1000/m)
  })
})

describe('19. small confusions', () => {
  it('paths are taken exactly as given: " x.json" is not "x.json"', () => {
    expect(run(['--steps', '2', '--quiet', '--save', at(' spaced.json')]).code).toBe(0)
    expect(existsSync(join(dir, ' spaced.json'))).toBe(true)
    expect(existsSync(join(dir, 'spaced.json'))).toBe(false)
  })
  it('--seed with --load is a usage error, and a loaded model\'s report says where it came from', () => {
    refused(['--load', at('in.json'), '--seed', '3'], 2, /--seed cannot be combined with --load/)
    expect(run(['--load', at('in.json'), '--steps', '0', '--quiet']).stdout).toMatch(/^XOR with widths \[2, 2, 1\], loaded from .*in\.json$/m)
  })
  it('--SEED is an unknown flag, with a hint', () => {
    refused(['--SEED', '3'], 2, /^xor-demo: unknown flag --SEED \(see --help; did you mean --seed\?\)$/)
  })
  it.skipIf(isRoot)('an unsearchable directory is not reported as missing', () => {
    mkdirSync(at('closed'))
    chmodSync(at('closed'), 0o000)
    refused(['--save', join(dir, 'closed', 'sub', 'm.json')], 1, /permission denied/)
  })
})
