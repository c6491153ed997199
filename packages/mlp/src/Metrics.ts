/**
 * Classification metrics from predicted and true classes (arrays of class indices, one per example).
 *
 * @since 0.2.0
 */

const checkPair = (op: string, predicted: ReadonlyArray<number>, actual: ReadonlyArray<number>): void => {
  if (predicted.length !== actual.length) throw new RangeError(`${op}: ${predicted.length} predictions for ${actual.length} labels`)
  if (predicted.length === 0) throw new RangeError(`${op}: no examples`)
}

/** The share of examples whose predicted class is the true one, in [0, 1]. */
export const accuracy = (predicted: ReadonlyArray<number>, actual: ReadonlyArray<number>): number => {
  checkPair('accuracy', predicted, actual)
  let right = 0
  for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) right++
  return right / predicted.length
}

/** counts[t][p]: how many examples of true class t were predicted as p (rows true, columns predicted). */
export const confusion = (predicted: ReadonlyArray<number>, actual: ReadonlyArray<number>, classes: number): ReadonlyArray<ReadonlyArray<number>> => {
  checkPair('confusion', predicted, actual)
  const counts = Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
  for (let i = 0; i < predicted.length; i++) {
    const t = actual[i]!, p = predicted[i]!
    if (!Number.isInteger(t) || !Number.isInteger(p) || t < 0 || p < 0 || t >= classes || p >= classes) {
      throw new RangeError(`confusion: example ${i} has true class ${t} and prediction ${p}, not integers in [0, ${classes})`)
    }
    counts[t]![p]!++
  }
  return counts
}
