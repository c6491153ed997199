/**
 * Command-line options of the digits app, decoded from argv into typed options. Nothing here touches the terminal or
 * files: a problem is a `UsageError` value, reported by main.ts.
 */
import * as E from 'fp-ts/lib/Either.js'
import { MAX_MODEL_BYTES } from '@puregrad/cli-kit/files'
import { UsageError, integerIn, oneOf, parseFlags, path, positiveNumber, reportPath } from '@puregrad/cli-kit/flags'
import * as Opt from '@puregrad/mlp/Optimizer'
import { Threads } from '@puregrad/tensor'
import type { OptimizerName } from '@puregrad/mlp/Optimizer'
import type { ModelName } from './models.js'
import { modelNames } from './models.js'

export { UsageError } from '@puregrad/cli-kit/flags'

export interface Options {
  readonly model: ModelName
  readonly seed: number
  readonly epochs: number
  readonly batch: number
  readonly lr: number
  readonly optimizer: OptimizerName
  readonly patience: number
  /** Threads for the large products (results do not depend on it); undefined: tensor's default. */
  readonly threads: number | undefined
  readonly save: string | undefined
  readonly load: string | undefined
  readonly report: string | undefined
  readonly predict: string | undefined
  readonly json: boolean
  readonly quiet: boolean
  readonly help: boolean
  /** Flags the user gave explicitly. */
  readonly given: ReadonlySet<string>
}

/** A recipe that reaches the targets (MLP ≥ 0.97, CNN ≥ 0.98 test accuracy) within a minute. */
export const defaults = { model: 'mlp', seed: 0, epochs: 100, batch: 64, lr: 0.01, optimizer: 'adam', patience: 10 } as const

/** The most weights and biases a model from --load may have (the defaults have under 10,000). */
export const MAX_PARAMETERS = 2_000_000

/** The largest --predict file, and the most lines it may hold. */
export const MAX_PREDICT_BYTES = 64 * 1024 * 1024
export const MAX_PREDICT_LINES = 1_000_000

const valueFlags = {
  model: oneOf<ModelName>(modelNames),
  seed: integerIn('an integer in [0, 2^53 − 1]', 0, Number.MAX_SAFE_INTEGER),
  epochs: integerIn('an integer in [0, 100000]', 0, 100_000),
  batch: integerIn('an integer in [1, 100000]', 1, 100_000),
  lr: positiveNumber,
  optimizer: oneOf<OptimizerName>(Opt.names),
  patience: integerIn('an integer in [1, 100000]', 1, 100_000),
  threads: integerIn(`an integer in [1, ${Threads.MAX}]`, 1, Threads.MAX),
  save: path,
  load: path,
  report: reportPath,
  predict: path
} as const

const booleanFlags = ['json', 'quiet', 'help'] as const

/**
 * Decodes argv (without node and the script): `--flag value`, `--flag=value`, `-h`. Left(UsageError) for an unknown
 * flag, a missing or malformed value, a repeated flag, or flags that contradict each other.
 */
export const parseArgs = (argv: ReadonlyArray<string>): E.Either<UsageError, Options> => {
  const parsed = parseFlags(argv, valueFlags, booleanFlags)
  if (E.isLeft(parsed)) return parsed
  const { values, given } = parsed.right
  if (given.has('load') && given.has('model')) return E.left(new UsageError('--model cannot be combined with --load: the model file holds the architecture'))
  const outputs = (['save', 'report'] as const).filter((f) => values[f] !== undefined)
  for (const flag of outputs) {
    if (values.predict !== undefined && values[flag] === values.predict) return E.left(new UsageError(`--${flag} and --predict name the same file`))
  }
  return E.right({
    model: values.model ?? defaults.model,
    seed: values.seed ?? defaults.seed,
    // With --load the model is evaluated as it is, unless --epochs asks for more training.
    epochs: values.epochs ?? (given.has('load') ? 0 : defaults.epochs),
    batch: values.batch ?? defaults.batch,
    lr: values.lr ?? defaults.lr,
    optimizer: values.optimizer ?? defaults.optimizer,
    patience: values.patience ?? defaults.patience,
    threads: values.threads,
    save: values.save,
    load: values.load,
    report: values.report,
    predict: values.predict,
    json: given.has('json'),
    quiet: given.has('quiet'),
    help: given.has('help'),
    given
  })
}

const MIB = 2 ** 20

export const helpText = `digits: learn the UCI handwritten digits (8×8, 1,797 images) with an MLP or a CNN on puregrad.

Usage: digits [options]
       pnpm digits [options]

It splits the images 60/20/20 (train, validation, test; stratified by digit, seeded), trains with mini-batches
until the validation loss has not improved for --patience epochs, keeps the best epoch's parameters, and prints the
test accuracy, the confusion matrix and some misclassified test digits.

Model and training
  --model M         mlp (64 → 128 relu → dropout 0.2 → 10 softmax) or cnn (conv 3×3 ×16, max pool, conv 3×3 ×32,
                    max pool, dropout 0.25, 10 softmax) (default ${defaults.model})
  --seed N          seed of the split, the initial parameters, the batch order and the dropout masks (default ${defaults.seed});
                    with --load it chooses the split: give the seed the model was trained with
  --epochs N        at most N passes over the training part (default ${defaults.epochs}; with --load, 0: evaluate only)
  --batch N         examples per step (default ${defaults.batch})
  --lr X            learning rate (default ${defaults.lr})
  --optimizer O     ${Opt.names.join(', ')} (default ${defaults.optimizer})
  --patience N      epochs without a better validation loss before stopping (default ${defaults.patience})
  --threads N       threads for the large products, 1 to ${Threads.MAX} (default: the cores, up to ${Threads.DEFAULT_MAX}); the results
                    are the same bits for any N

Files
  --save FILE       write the trained model (puregrad/mlp JSON)
  --load FILE       start from a saved model (a regular file of at most ${MAX_MODEL_BYTES / MIB} MiB and ${MAX_PARAMETERS.toLocaleString('en-US')} parameters,
                    64 inputs and 10 softmax outputs); not with --model
  --report FILE     write curves, the confusion matrix and misclassified digits as .svg or .html
  --predict FILE    a CSV of 64 grey levels (0 to 16) per line, as in the data set: print each line's digit and
                    its probability (at most ${MAX_PREDICT_BYTES / MIB} MiB and ${MAX_PREDICT_LINES.toLocaleString('en-US')} lines; read before training)

  Outputs are checked before training and written atomically (a temporary, fsync'ed, renamed over the target, its
  mode kept; symlinks written through; other non-regular files refused). Paths are taken exactly as given.

Output
  --json            print one JSON document on stdout and nothing else
  --quiet           print only the results (no progress)
  -h, --help        show this help

Exit status: 0 on success, 1 when a file cannot be read or written, when training diverges or when the results
cannot be printed, 2 for a usage error.`
