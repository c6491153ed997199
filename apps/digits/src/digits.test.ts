import * as E from 'fp-ts/lib/Either.js'
import * as M from '@puregrad/tensor/Matrix'
import { describe, expect, it } from 'vitest'
import { parseArgs } from './cli.js'
import { loadDigits, parseDigits } from './data.js'
import { parseImages, predictions } from './predict.js'
import { confusionTable, drawDigit, plain } from './render.js'
import { splitDigits } from './train.js'

const digits = E.getOrElseW((e: string) => {
  throw new Error(e)
})(loadDigits())

describe('the shipped data', () => {
  it('is the UCI 8×8 set: 1,797 images, 64 grey levels each in [0, 16], every digit ~180 times', () => {
    expect([digits.x.rows, digits.x.cols, digits.y.rows]).toEqual([64, 1797, 10])
    const counts = Array.from({ length: 10 }, (_, d) => digits.labels.filter((l) => l === d).length)
    expect(counts).toEqual([178, 182, 177, 183, 181, 182, 181, 179, 174, 180]) // scikit-learn's load_digits
    expect(Array.from(digits.x.data).every((v) => v >= 0 && v <= 1 && Number.isInteger(v * 16))).toBe(true)
    expect(Array.from({ length: 64 }, (_, i) => digits.x.data[i * 1797]! * 16).slice(0, 16)).toEqual([0, 0, 5, 13, 9, 1, 0, 0, 0, 0, 13, 15, 10, 15, 5, 0])
  })
  it('a damaged line is a one-line error naming it', () => {
    expect(parseDigits('0' + '0'.repeat(64) + '\n7' + '0'.repeat(63) + 'h\n')).toEqual(E.left(expect.stringMatching(/^the digits file, line 2: expected a label and 64 grey levels/)))
    expect(parseDigits('')).toEqual(E.left('the digits file holds no images'))
  })
  it('splits 60/20/20, stratified: each digit in the same proportion in each part, the same for a seed', () => {
    const parts = splitDigits(0, digits)
    expect([parts.train, parts.validation, parts.test].map((p) => p.labels.length)).toEqual([1078, 360, 359])
    for (const part of [parts.train, parts.validation, parts.test]) {
      for (let d = 0; d < 10; d++) {
        const share = part.labels.filter((l) => l === d).length / part.labels.length
        expect(Math.abs(share - digits.labels.filter((l) => l === d).length / 1797)).toBeLessThan(0.01)
      }
    }
    expect(M.equals(splitDigits(0, digits).test.x, parts.test.x)).toBe(true)
    expect(M.equals(splitDigits(1, digits).test.x, parts.test.x)).toBe(false)
  })
})

describe('--predict input', () => {
  const line = (v: string) => Array.from({ length: 64 }, () => v).join(',')
  it('reads lines of 64 grey levels into 64 × N inputs in [0, 1]', () => {
    const x = E.getOrElseW(() => M.zeros(1, 1))(parseImages('in.csv', `${line('16')}\r\n\n${line(' 8 ')}\n`, 10))
    expect([x.rows, x.cols, x.data[0], x.data[1]]).toEqual([64, 2, 1, 0.5])
  })
  it('names the file, the line and the value of the first problem', () => {
    expect(parseImages('in.csv', `${line('1')}\n${line('1').slice(2)}\n`, 10)).toEqual(E.left('in.csv:2: expected 64 comma-separated grey levels, got 63'))
    expect(parseImages('in.csv', line('17'), 10)).toEqual(E.left('in.csv:1: value 1 is "17", not a grey level in [0, 16]'))
    expect(parseImages('in.csv', line('NaN'), 10)).toEqual(E.left('in.csv:1: value 1 is "NaN", not a grey level in [0, 16]'))
    expect(parseImages('in.csv', line('-0'), 10)).toEqual(E.left('in.csv:1: value 1 is "-0", not a grey level in [0, 16]'))
    expect(parseImages('in.csv', '\n \n', 10)).toEqual(E.left('in.csv: no images (expected lines of 64 grey levels)'))
    expect(parseImages('in.csv', `${line('1')}\n${line('1')}\n`, 1)).toEqual(E.left('in.csv: 2 images, more than the limit of 1'))
  })
  it('predicts the most probable digit of each column, with its probability', () => {
    const p = M.makeBy(10, 2, (i, j) => (i === 3 + j ? 0.91 : 0.01))
    expect(predictions(p)).toEqual([{ digit: 3, probability: 0.91 }, { digit: 4, probability: 0.91 }])
  })
})

describe('the terminal', () => {
  it('draws a digit in shades and the confusion matrix with rows true, columns predicted', () => {
    const pixels = Array.from({ length: 64 }, (_, i) => (i % 9 === 0 ? 1 : 0))
    expect(drawDigit(pixels)[0]).toBe('@@              ')
    expect(drawDigit(pixels)[7]).toBe('              @@')
    const confusion = Array.from({ length: 10 }, (_, i) => Array.from({ length: 10 }, (_, j) => (i === j ? 30 : i === 1 && j === 7 ? 2 : 0)))
    const lines = confusionTable(confusion, plain).split('\n')
    expect(lines[0]).toBe('true\\pred   0  1  2  3  4  5  6  7  8  9')
    expect(lines[2]).toBe('        1   · 30  ·  ·  ·  ·  ·  2  ·  ·')
  })
})

describe('options', () => {
  it('defaults to the MLP recipe; --load evaluates unless --epochs says otherwise', () => {
    const o = E.getOrElseW(() => null)(parseArgs([]))
    expect(o && [o.model, o.seed, o.epochs, o.batch, o.lr, o.optimizer, o.patience]).toEqual(['mlp', 0, 100, 64, 0.01, 'adam', 10])
    expect(E.getOrElseW(() => null)(parseArgs(['--load', 'm.json']))?.epochs).toBe(0)
    expect(E.getOrElseW(() => null)(parseArgs(['--load', 'm.json', '--epochs', '5']))?.epochs).toBe(5)
  })
  it('refuses what cannot work, as a usage error', () => {
    const message = (argv: Array<string>) => E.fold((e: Error) => e.message, () => 'accepted')(parseArgs(argv))
    expect(message(['--model', 'rnn'])).toBe('--model: expected one of mlp, cnn, got "rnn"')
    expect(message(['--load', 'm.json', '--model', 'cnn'])).toBe('--model cannot be combined with --load: the model file holds the architecture')
    expect(message(['--batch', '0'])).toBe('--batch: expected an integer in [1, 100000], got "0"')
    expect(message(['--threads', '0'])).toBe('--threads: expected an integer in [1, 64], got "0"')
    expect(E.getOrElseW(() => null)(parseArgs(['--threads', '3']))?.threads).toBe(3)
    expect(message(['--report', 'r.png'])).toBe('--report: expected a file path ending in .svg or .html, got "r.png"')
    expect(message(['--save', 'x.csv', '--predict', 'x.csv'])).toBe('--save and --predict name the same file')
    expect(message(['--Seed', '3'])).toBe('unknown flag --Seed (see --help; did you mean --seed?)')
  })
})
