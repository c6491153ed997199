/**
 * Command-line options: argv is split into flags, then every value is decoded with io-ts into typed options.
 * Nothing here touches the terminal or files: a problem is a `UsageError` value, reported by main.ts.
 */
import * as E from 'fp-ts/lib/Either.js'
import * as Act from '@puregrad/grad/Activation'
import type { ActivationName } from '@puregrad/grad/Activation'
import type { Reduction } from '@puregrad/grad/Loss'
import { parameterCount } from '@puregrad/mlp/Codec'
import * as Init from '@puregrad/mlp/Init'
import type { InitName } from '@puregrad/mlp/Init'
import * as Opt from '@puregrad/mlp/Optimizer'
import type { OptimizerName } from '@puregrad/mlp/Optimizer'
import { MAX_MODEL_BYTES } from '@puregrad/cli-kit/files'
import { UsageError, integerIn, oneOf, parseFlags, path, positiveNumber, reportPath, fromString } from '@puregrad/cli-kit/flags'

// -------------------------------------------------------------------------------------
// model
// -------------------------------------------------------------------------------------

export type { OptimizerName } from '@puregrad/mlp/Optimizer'

export interface Options {
  readonly seed: number
  readonly steps: number
  readonly lr: number
  readonly hidden: ReadonlyArray<number>
  readonly activation: ActivationName
  readonly init: InitName
  readonly optimizer: OptimizerName
  readonly reduction: Reduction
  readonly restarts: number
  readonly sweep: number | undefined
  readonly save: string | undefined
  readonly load: string | undefined
  readonly report: string | undefined
  readonly json: boolean
  readonly quiet: boolean
  readonly help: boolean
  /** Flags the user gave explicitly (so --load can refuse architecture flags it would ignore). */
  readonly given: ReadonlySet<string>
}

/** The notebook's recipe, from a seed that converges. */
export const defaults = {
  seed: 1,
  steps: 1000,
  lr: 1,
  hidden: [2],
  activation: 'sigmoid',
  init: 'standardNormal',
  optimizer: 'sgd',
  reduction: 'sum',
  restarts: 0
} as const

export { UsageError } from '@puregrad/cli-kit/flags'

/** The most hidden layers --hidden takes. */
export const MAX_HIDDEN_LAYERS = 64

/**
 * The most weights and biases a network may have, from --hidden or from --load: the model file (about 30 bytes a
 * parameter as written) then stays far below the file cap and V8's longest string. --hidden 1024,1024 has 1,053,697.
 */
export const MAX_PARAMETERS = 2_000_000

/** "2" or "4,4": hidden layer widths, each a positive integer up to 1024 (how many: see MAX_HIDDEN_LAYERS). */
const widthList = fromString('a comma-separated list of widths in [1, 1024], e.g. 2 or 4,4', (s) => {
  const parts = s.split(',').map((p) => p.trim())
  const widths = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : NaN))
  return parts.length > 0 && widths.every((w) => Number.isInteger(w) && w >= 1 && w <= 1024) ? widths : undefined
})

const valueFlags = {
  seed: integerIn('an integer in [0, 2^53 − 1]', 0, Number.MAX_SAFE_INTEGER),
  steps: integerIn('an integer in [0, 10000000]', 0, 10_000_000),
  lr: positiveNumber,
  hidden: widthList,
  activation: oneOf<ActivationName>(Act.names.filter((n) => n !== 'softmax')),
  init: oneOf<InitName>(Init.names),
  optimizer: oneOf<OptimizerName>(Opt.names),
  reduction: oneOf<Reduction>(['sum', 'mean']),
  restarts: integerIn('an integer in [0, 1000]', 0, 1000),
  sweep: integerIn('an integer in [1, 100000]', 1, 100_000),
  save: path,
  load: path,
  report: reportPath
} as const

const booleanFlags = ['json', 'quiet', 'help'] as const


// -------------------------------------------------------------------------------------
// parsing
// -------------------------------------------------------------------------------------

/**
 * Decodes argv (without node and the script). Accepts `--flag value` and `--flag=value`, and `-h`.
 * Left(UsageError) for an unknown flag, a missing or malformed value, a repeated flag or a conflict.
 */
export const parseArgs = (argv: ReadonlyArray<string>): E.Either<UsageError, Options> => {
  const parsed = parseFlags(argv, valueFlags, booleanFlags)
  if (E.isLeft(parsed)) return parsed
  const { values: decoded, given } = parsed.right
  if (given.has('load')) {
    const fixed = ['hidden', 'activation', 'init', 'reduction', 'restarts', 'seed'].filter((f) => given.has(f))
    if (fixed.length > 0) {
      const why = fixed[0] === 'seed' ? 'the model file holds the parameters a seed would draw' : 'the model file fixes the network'
      return E.left(new UsageError(`--${fixed[0]} cannot be combined with --load: ${why}`))
    }
  }
  if (given.has('sweep')) {
    const single = ['load', 'save', 'report', 'restarts'].filter((f) => given.has(f))
    if (single.length > 0) return E.left(new UsageError(`--${single[0]} cannot be combined with --sweep`))
  }
  const hidden = decoded.hidden
  if (hidden !== undefined && hidden.length > MAX_HIDDEN_LAYERS) {
    return E.left(new UsageError(`--hidden: at most ${MAX_HIDDEN_LAYERS} hidden layers, got ${hidden.length}`))
  }
  if (hidden !== undefined && parameterCount([2, ...hidden, 1]) > MAX_PARAMETERS) {
    const count = parameterCount([2, ...hidden, 1]).toLocaleString('en-US')
    return E.left(new UsageError(`--hidden: this network has ${count} parameters, more than the limit of ${MAX_PARAMETERS.toLocaleString('en-US')}`))
  }
  const pick = <K extends keyof typeof valueFlags, D>(name: K, fallback: D) => (decoded[name] ?? fallback) as D

  return E.right({
    seed: pick('seed', defaults.seed as number),
    steps: pick('steps', defaults.steps as number),
    lr: pick('lr', defaults.lr as number),
    hidden: pick('hidden', defaults.hidden as ReadonlyArray<number>),
    activation: pick('activation', defaults.activation as ActivationName),
    init: pick('init', defaults.init as InitName),
    optimizer: pick('optimizer', defaults.optimizer as OptimizerName),
    reduction: pick('reduction', defaults.reduction as Reduction),
    restarts: pick('restarts', defaults.restarts as number),
    sweep: pick('sweep', undefined as number | undefined),
    save: pick('save', undefined as string | undefined),
    load: pick('load', undefined as string | undefined),
    report: pick('report', undefined as string | undefined),
    json: given.has('json'),
    quiet: given.has('quiet'),
    help: given.has('help'),
    given
  })
}

const MAX_MODEL_MIB = MAX_MODEL_BYTES / 2 ** 20

export const helpText = `xor-demo: train a small sigmoid network to learn XOR, as in the notebook, with puregrad.

Usage: xor-demo [options]
       pnpm demo -- [options]

By default it reproduces the notebook: widths [2, 2, 1], sigmoid on every layer, binary cross-entropy summed over
the batch, N(0, 1) initialisation, plain gradient descent at learning rate 1.0, 1000 full-batch steps, seed 1.

Training
  --seed N          seed of the initial parameters (default ${defaults.seed})
  --steps N         full-batch training steps (default ${defaults.steps}); 0 with --load only predicts
  --lr X            learning rate (default ${defaults.lr})
  --hidden W[,W…]   hidden layer widths, e.g. 2 or 4,4 (default ${defaults.hidden.join(',')}): each in [1, 1024], at most
                    ${MAX_HIDDEN_LAYERS} layers and ${MAX_PARAMETERS.toLocaleString('en-US')} parameters in all (--hidden 1024,1024 has 1,053,697)
  --activation A    hidden activation: sigmoid, tanh, relu, leakyRelu, identity, softplus (default ${defaults.activation});
                    the output layer is always a sigmoid
  --init I          standardNormal, glorotUniform or heNormal (default ${defaults.init})
  --optimizer O     sgd, momentum or adam (default ${defaults.optimizer})
  --reduction R     sum or mean: how the loss adds up the four examples (default ${defaults.reduction})
  --restarts K      while a run ends stuck, retry up to K times with fresh keys split from the seed
  --sweep N         train seeds seed … seed+N−1 and report how many converge (with --json: every seed's loss
                    and verdict); not with --save, --report, --load or --restarts

Files
  --save FILE       write the trained model (puregrad/mlp JSON)
  --load FILE       start from a saved model (a regular file of at most ${MAX_MODEL_MIB} MiB and ${MAX_PARAMETERS.toLocaleString('en-US')}
                    parameters); continue training with the options given (not with --seed or architecture flags)
  --report FILE     write the loss curve and decision boundary as .svg or .html

  Outputs are checked before training: a symlink is written through to its target, any other existing file that
  is not a regular file (directory, FIFO, device, socket) is refused, and a temporary is created and removed beside
  the target. --save and --report must name different files, and neither the --load file. Each file is written to
  a temporary .NAME.tmp-PID-RANDOM, fsync'ed and renamed over the target, keeping the target's mode; temporaries
  left by a killed run are removed by the next write to that target. Paths are taken exactly as given.

Output
  --json            print one JSON document on stdout and nothing else
  --quiet           print only the results (no progress)
  -h, --help        show this help

Exit status: 0 on success (also when a run ends stuck: it says so), 1 when a file cannot be read or written, when
training diverges or when the results cannot be printed (a full disk), 2 for a usage error.`
