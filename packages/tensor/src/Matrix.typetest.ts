/**
 * Compile-time checks of the phantom dimensions: `pnpm test` type-checks this file, and each
 * `@ts-expect-error` fails the type check if the line below it ever compiles.
 */

import { pipe } from 'fp-ts/lib/function.js'
import * as M from './Matrix.js'

const a: M.Matrix<2, 3> = M.zeros(2, 3)
const b: M.Matrix<3, 4> = M.zeros(3, 4)
const wrongInner: M.Matrix<2, 1> = M.zeros(2, 1)

// Known inner dimensions agree: the result type carries the outer dimensions.
export const product: M.Matrix<2, 4> = pipe(a, M.matmul(b))

// @ts-expect-error (2×3)·(2×1): inner dimensions 3 ≠ 2 must not compile
export const mismatch = pipe(a, M.matmul(wrongInner))

// @ts-expect-error the product of (2×3)·(3×4) is 2×4, not 3×4
export const wrongResult: M.Matrix<3, 4> = pipe(a, M.matmul(b))

// aᵀ·b needs equal row counts: (2×3)ᵀ·(3×4) must not compile.
// @ts-expect-error rows 2 ≠ 3
export const badTransposeMatmul = pipe(a, M.transposeMatmul(b))

// a·bᵀ needs equal column counts: (2×3)·(3×4)ᵀ must not compile.
// @ts-expect-error cols 3 ≠ 4
export const badMatmulTranspose = pipe(a, M.matmulTranspose(b))

// @ts-expect-error element-wise ops need equal shapes
export const badAdd = pipe(a, M.add(b))

// Dimensions only known at run time (`number`) still compose; a mismatch there throws ShapeError instead.
const dynamic: M.Matrix = M.zeros(3, 4)
export const dynamicProduct: M.Matrix<2, number> = pipe(a, M.matmul(dynamic))

// @ts-expect-error matrices are read-only
a.data[0] = 1
