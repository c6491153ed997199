import { describe, expect, it } from 'vitest'
import { convergence, runSeed } from './Convergence.js'
import * as I from './Init.js'
import * as O from './Optimizer.js'
import { notebookXor } from './Spec.js'
import { xor } from './testing/xor.js'

const recipe = { spec: notebookXor, init: I.standardNormal, optimizer: O.sgd(1), dataset: xor, steps: 1000, tolerance: 0.1 }

describe('convergence statistics for the notebook recipe', () => {
  it('tells converged seeds from stuck ones', () => {
    const good = runSeed(recipe)(1)
    expect(good.converged).toBe(true)
    expect(good.maxError).toBeLessThan(0.05)
    // Seed 0 gets stuck in the classic local minimum: loss ≈ 2·ln 2 with two outputs near 0.5.
    const stuck = runSeed(recipe)(0)
    expect(stuck.converged).toBe(false)
    expect(Math.abs(stuck.loss - 2 * Math.LN2)).toBeLessThan(0.02)
    expect(stuck.maxError).toBeCloseTo(0.5, 1)
  })
  it('a sizeable share of seeds gets stuck, and the report counts it', () => {
    const report = convergence(recipe)(Array.from({ length: 60 }, (_, i) => i))
    expect(report.runs).toBe(60)
    expect(report.converged).toBe(report.outcomes.filter((o) => o.converged).length)
    expect(report.share).toBeGreaterThan(0.6)
    expect(report.share).toBeLessThan(0.95)
  })
})
