import * as E from 'fp-ts/lib/Either.js'
import { describe, expect, it } from 'vitest'
import { defaults, parseArgs } from './cli.js'

const error = (argv: ReadonlyArray<string>): string => {
  const r = parseArgs(argv)
  return E.isLeft(r) ? r.left.message : 'no error'
}

describe('parseArgs', () => {
  it('takes paths exactly as given, blanks included', () => {
    const r = parseArgs(['--save', ' m.json ', '--report', ' r.html'])
    expect(E.isRight(r) && [r.right.save, r.right.report]).toEqual([' m.json ', ' r.html'])
  })
  it('defaults to the notebook recipe', () => {
    const r = parseArgs([])
    expect(E.isRight(r) && { ...r.right, given: undefined }).toEqual({
      ...defaults,
      hidden: [2],
      sweep: undefined,
      save: undefined,
      load: undefined,
      report: undefined,
      json: false,
      quiet: false,
      help: false,
      given: undefined
    })
  })
  it('decodes every flag, with --flag value and --flag=value', () => {
    const r = parseArgs(['--seed', '7', '--steps=20', '--lr', '0.5', '--hidden', '4,4', '--activation', 'tanh', '--init', 'glorotUniform',
      '--optimizer', 'adam', '--reduction', 'mean', '--restarts', '3', '--save', 'm.json', '--report', 'r.html', '--json', '--quiet'])
    expect(E.isRight(r)).toBe(true)
    if (E.isLeft(r)) return
    const o = r.right
    expect([o.seed, o.steps, o.lr, o.hidden, o.activation, o.init, o.optimizer, o.reduction, o.restarts, o.save, o.report, o.json, o.quiet])
      .toEqual([7, 20, 0.5, [4, 4], 'tanh', 'glorotUniform', 'adam', 'mean', 3, 'm.json', 'r.html', true, true])
  })
  it.each([
    [['--frobnicate'], 'unknown flag --frobnicate (see --help)'],
    [['--lr', 'abc'], '--lr: expected a positive number, got "abc"'],
    [['--lr', '-1'], '--lr: expected a positive number, got "-1"'],
    [['--lr=-1'], '--lr: expected a positive number, got "-1"'],
    [['--lr', '1e400'], '--lr: expected a positive number, got "1e400"'],
    [['--steps', '-1'], '--steps: expected an integer in [0, 10000000], got "-1"'],
    [['--steps', '--json'], '--steps needs a value: an integer in [0, 10000000]'],
    [['--steps=-1'], '--steps: expected an integer in [0, 10000000], got "-1"'],
    [['--steps', '2.5'], '--steps: expected an integer in [0, 10000000], got "2.5"'],
    [['--seed', '1e3'], '--seed: expected an integer in [0, 2^53 − 1], got "1e3"'],
    [['--hidden', '0'], '--hidden: expected a comma-separated list of widths in [1, 1024], e.g. 2 or 4,4, got "0"'],
    [['--hidden', '4,,4'], '--hidden: expected a comma-separated list of widths in [1, 1024], e.g. 2 or 4,4, got "4,,4"'],
    [['--activation', 'softmax'], '--activation: expected one of sigmoid, tanh, relu, leakyRelu, identity, softplus, got "softmax"'],
    [['--optimizer', 'rmsprop'], '--optimizer: expected one of sgd, momentum, adam, got "rmsprop"'],
    [['--report', 'r.png'], '--report: expected a file path ending in .svg or .html, got "r.png"'],
    [['--seed'], '--seed needs a value: an integer in [0, 2^53 − 1]'],
    [['--seed', '1', '--seed', '2'], '--seed is given twice'],
    [['--json=yes'], '--json takes no value'],
    [['seven'], 'unexpected argument "seven" (flags start with --; see --help)'],
    [['--load', 'm.json', '--hidden', '4'], '--hidden cannot be combined with --load: the model file fixes the network'],
    [['--sweep', '10', '--save', 'm.json'], '--save cannot be combined with --sweep'],
    [['--sweep', '0'], '--sweep: expected an integer in [1, 100000], got "0"'],
    [['--sweep', '10', '--report', 'r.svg'], '--report cannot be combined with --sweep'],
    [['--load', 'm.json', '--seed', '3'], '--seed cannot be combined with --load: the model file holds the parameters a seed would draw'],
    [['--SEED', '3'], 'unknown flag --SEED (see --help; did you mean --seed?)'],
    [['--se\ned'], 'unknown flag --"se\\ned" (see --help)'],
    [['--hidden', Array(65).fill('1').join(',')], '--hidden: at most 64 hidden layers, got 65'],
    [['--hidden', '1024,1024,1024'], '--hidden: this network has 2,103,297 parameters, more than the limit of 2,000,000']
  ])('%j is a usage error: %s', (argv, message) => {
    expect(error(argv)).toBe(message)
  })
})
