/**
 * Data sets on the plane, each drawn from a seed: points in [−1, 1]² with labels 0 or 1, split into train and test.
 * Pure and deterministic (Random's keys, no Math.random; angles through Trig, not Math.sin and Math.cos, whose last bit
 * differs between engines): the same configuration gives the same points everywhere.
 */
import type { Key } from '@puregrad/tensor/Random'
import { foldIn, key as keyOf, normal, permutation, split, uniforms } from '@puregrad/tensor/Random'
import { cosPi, sinPi } from '@puregrad/tensor/Trig'

export type DatasetName = 'xor' | 'xorCloud' | 'circles' | 'spirals' | 'gaussians' | 'moons'

export const datasetNames: ReadonlyArray<DatasetName> = ['xor', 'xorCloud', 'circles', 'spirals', 'gaussians', 'moons']

export const datasetLabels: Readonly<Record<DatasetName, string>> = {
  xor: 'XOR (the notebook: 4 points)',
  xorCloud: 'XOR cloud',
  circles: 'circles',
  spirals: 'two spirals',
  gaussians: 'two Gaussians',
  moons: 'moons'
}

/** Points as columns: x is 2 × n, labels 0/1. */
export interface Points {
  readonly x: ReadonlyArray<readonly [number, number]>
  readonly labels: ReadonlyArray<number>
}

export interface PlaneData {
  readonly train: Points
  readonly test: Points
}

export interface DataOptions {
  readonly dataset: DatasetName
  /** Points in all (the notebook's XOR always has its 4). */
  readonly points: number
  /** Standard deviation of the Gaussian noise added to each coordinate, in [0, 0.5]. */
  readonly noise: number
  /** Share of the points used for training, in (0, 1]. */
  readonly trainRatio: number
  readonly seed: number
}

/** n uniform draws in [0, 1) from a key, as an indexable function. */
const draws = (key: Key, n: number): ((i: number) => number) => {
  const u = uniforms(key, n)
  return (i) => u[i]!
}

/** The clean points of a data set (before noise): n points with labels, half of each class where it applies. */
const clean = (name: DatasetName, n: number, key: Key): Points => {
  const [ku, kz] = split(key, 2)
  const u = draws(ku!, 2 * n)
  const z = normal(kz!, 2, n).data
  const x: Array<readonly [number, number]> = []
  const labels: Array<number> = []
  for (let i = 0; i < n; i++) {
    const a = u(2 * i), b = u(2 * i + 1)
    const label = i % 2
    switch (name) {
      case 'xor':
        break
      case 'xorCloud': {
        const p = [a * 2 - 1, b * 2 - 1] as const
        x.push([p[0] + (p[0] > 0 ? 0.05 : -0.05), p[1] + (p[1] > 0 ? 0.05 : -0.05)])
        labels.push(p[0] * p[1] > 0 ? 0 : 1)
        continue
      }
      case 'circles': {
        // Class 1 inside radius 0.5, class 0 in the ring 0.7–1.
        const r = label === 1 ? 0.5 * Math.sqrt(a) : 0.7 + 0.3 * a
        const turn = 2 * b // the angle 2π·b, in half-turns
        x.push([r * cosPi(turn), r * sinPi(turn)])
        labels.push(label)
        continue
      }
      case 'spirals': {
        const t = 0.25 + 2.75 * a // turns along the arm
        const angle = t * 1.2 + (label === 1 ? 1 : 0) // 0.6 of a turn per unit of t, the second arm half a turn on; in half-turns
        const r = 0.9 * (t / 3)
        x.push([r * cosPi(angle), r * sinPi(angle)])
        labels.push(label)
        continue
      }
      case 'gaussians': {
        const c = label === 1 ? 0.45 : -0.45
        x.push([c + 0.2 * z[i]!, c + 0.2 * z[n + i]!])
        labels.push(label)
        continue
      }
      case 'moons': {
        const c = cosPi(a), s = sinPi(a) // the angle π·a
        x.push(label === 1 ? [c * 0.6 - 0.3, s * 0.6 - 0.15] : [0.3 - c * 0.6, 0.15 - s * 0.6])
        labels.push(label)
        continue
      }
    }
  }
  return { x, labels }
}

/** The notebook's four XOR points, in [−1, 1]² (the notebook's 0 and 1 as −0.8 and 0.8). */
const XOR_POINTS: Points = { x: [[-0.8, -0.8], [0.8, -0.8], [-0.8, 0.8], [0.8, 0.8]], labels: [0, 1, 1, 0] }

/**
 * The data of a configuration: `points` points (the notebook's XOR: its four, used for training and testing alike),
 * Gaussian noise of standard deviation `noise` on each coordinate, shuffled and split by `trainRatio`.
 */
export const makeData = (o: DataOptions): PlaneData => {
  if (o.dataset === 'xor') return { train: XOR_POINTS, test: XOR_POINTS }
  const [kPoints, kNoise, kSplit] = split(foldIn(keyOf(o.seed), datasetNames.indexOf(o.dataset)), 3)
  const base = clean(o.dataset, o.points, kPoints!)
  const jitter = normal(kNoise!, 2, o.points)
  const x = base.x.map(([a, b], i) => [a + o.noise * jitter.data[i]!, b + o.noise * jitter.data[o.points + i]!] as const)
  const order = permutation(kSplit!, o.points)
  const cut = Math.max(1, Math.min(o.points, Math.round(o.points * o.trainRatio)))
  const pick = (indices: ReadonlyArray<number>): Points => ({ x: indices.map((i) => x[i]!), labels: indices.map((i) => base.labels[i]!) })
  const testIndices = order.slice(cut)
  return { train: pick(order.slice(0, cut)), test: testIndices.length > 0 ? pick(testIndices) : pick(order.slice(0, cut)) }
}
