import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { run } from './testing/spawn.js'

const dir = mkdtempSync(join(tmpdir(), 'digits-test-'))
const json = (stdout: string) => JSON.parse(stdout) as Record<string, unknown>

/** A line of 64 grey levels: the first test image of the data set (a 0). */
const zero = '0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,0,3,15,2,0,11,8,0,0,4,12,0,0,8,8,0,0,5,8,0,0,9,8,0,0,4,11,0,1,12,7,0,0,2,14,5,10,12,0,0,0,0,6,13,10,0,0,0'

describe('digits with the default options reaches the targets', () => {
  it.each([
    ['mlp', 0.97],
    ['cnn', 0.98]
  ] as const)('--model %s --json: one document; test accuracy ≥ %s; confusion 10×10 over the test part', (model, target) => {
    const r = run(['--model', model, '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const doc = json(r.stdout)
    expect(doc['testAccuracy'] as number).toBeGreaterThanOrEqual(target)
    expect(doc['trainAccuracy'] as number).toBeGreaterThanOrEqual(doc['testAccuracy'] as number)
    const confusion = doc['confusion'] as Array<Array<number>>
    expect(confusion.map((row) => row.length)).toEqual(Array(10).fill(10))
    expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe((doc['split'] as { test: number }).test)
    const diagonal = confusion.reduce((a, row, i) => a + row[i]!, 0)
    expect(diagonal / (doc['split'] as { test: number }).test).toBe(doc['testAccuracy'])
    for (const field of ['epochs', 'seconds', 'stepsPerSecond']) expect(doc[field] as number).toBeGreaterThan(0)
    expect(doc['stoppedEarly']).toBe(true)
  })
})

describe('reproducible, and files as the xor demo writes them', () => {
  it('the same seed gives the same model bytes (MLP and CNN), on 1 thread or the default; another seed does not', () => {
    for (const model of ['mlp', 'cnn']) {
      const files = ['a', 'b', 'c'].map((n) => join(dir, `${model}-${n}.json`))
      const flags = [[], ['--threads', '1'], ['--seed', '1']]
      for (const [i, file] of files.entries()) expect(run(['--model', model, '--epochs', '2', ...flags[i]!, '--save', file, '--quiet']).code).toBe(0)
      const [a, b, c] = files.map((f) => readFileSync(f, 'utf8'))
      expect(a).toBe(b)
      expect(a).not.toBe(c)
    }
  })
  it('a saved model loads, evaluates to the same accuracy, and predicts a CSV', () => {
    const model = join(dir, 'model.json'), input = join(dir, 'in.csv')
    const trained = json(run(['--epochs', '5', '--save', model, '--json']).stdout)
    writeFileSync(input, `${zero}\n${zero}\n`)
    const loaded = run(['--load', model, '--predict', input, '--json'])
    expect(loaded.code).toBe(0)
    const doc = json(loaded.stdout)
    expect(doc['testAccuracy']).toBe(trained['testAccuracy'])
    expect(doc['epochs']).toBe(0)
    const predictions = doc['predictions'] as Array<{ digit: number; probability: number }>
    expect(predictions).toHaveLength(2)
    expect(predictions[0]!.digit).toBe(0)
    expect(predictions[0]!.probability).toBeGreaterThan(0.5)
    const text = run(['--load', model, '--predict', input, '--quiet'])
    expect(text.stdout).toMatch(/predictions for .*in\.csv:\n0 0\.\d{4}\n0 0\.\d{4}\n/)
  })
  it('--report writes an SVG or an HTML page with the curves, the heat map and misclassified digits', () => {
    for (const name of ['r.svg', 'r.html']) {
      const file = join(dir, name)
      expect(run(['--epochs', '3', '--report', file, '--quiet']).code).toBe(0)
      const doc = readFileSync(file, 'utf8')
      expect(doc).toContain('loss per epoch')
      expect(doc).toContain('test confusion (rows true, columns predicted)')
      expect(doc).toMatch(/misclassified test digits|no misclassified/)
    }
  })
})

describe('bad input: one line, exit 2 for usage and 1 otherwise, nothing written', () => {
  const oneLine = (s: string) => expect(s.trimEnd().split('\n')).toHaveLength(1)
  it.each([
    [['--model', 'rnn'], /^digits: --model: expected one of mlp, cnn, got "rnn"$/],
    [['--frobnicate'], /^digits: unknown flag --frobnicate/],
    [['--epochs', '-1'], /^digits: --epochs: expected an integer in \[0, 100000\], got "-1"$/],
    [['--load', 'm.json', '--model', 'mlp'], /cannot be combined with --load/]
  ])('%j is a usage error', (args, message) => {
    const r = run(args)
    expect(r.code).toBe(2)
    oneLine(r.stderr)
    expect(r.stderr.trimEnd()).toMatch(message)
    expect(r.stdout).toBe('')
  })
  it('a missing, foreign or corrupt model, or a bad --predict file, fails before any training and writes nothing', () => {
    const save = join(dir, 'never.json')
    const xor = join(dir, 'xor.json'), corrupt = join(dir, 'corrupt.json'), badCsv = join(dir, 'bad.csv')
    writeFileSync(xor, JSON.stringify({ format: 'puregrad/mlp', version: 1, spec: { widths: [2, 1], activations: ['sigmoid'], loss: 'binaryCrossEntropy', reduction: 'sum' }, layers: [{ W: [[1, 1]], b: [0] }] }))
    writeFileSync(corrupt, '{"format":"puregrad/mlp","version":2,"spec":')
    writeFileSync(badCsv, `${zero}\n1,2,3\n`)
    for (const [args, message] of [
      [['--load', join(dir, 'missing.json')], /cannot read .*missing\.json: no such file or directory/],
      [['--load', xor], /xor\.json: the digits need a model with 64 inputs and 10 softmax outputs/],
      [['--load', corrupt], /corrupt\.json is not JSON/],
      [['--predict', badCsv], /bad\.csv:2: expected 64 comma-separated grey levels, got 3/],
      [['--report', join(dir, 'no-such-dir', 'r.svg')], /cannot write .*r\.svg: the directory .* does not exist/]
    ] as const) {
      const r = run([...args, '--save', save])
      expect(r.code, r.stderr).toBe(1)
      oneLine(r.stderr)
      expect(r.stderr).toMatch(message)
      expect(existsSync(save)).toBe(false)
    }
    expect(readdirSync(dir).filter((f) => f.includes('.tmp-'))).toEqual([])
  })
})
