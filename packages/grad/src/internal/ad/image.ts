/**
 * Image primitives: 2-D convolution and max and average pooling, each forward rule with its VJP beside it.
 *
 * Layout (PyTorch's, flattened, so weights travel both ways): one example per column; a column holds an image's
 * C·H·W values in (c, h, w) order, i.e. PyTorch's `x.reshape(B, -1).T`. A convolution weight is out × (C·kh·kw),
 * PyTorch's `weight.reshape(out, -1)`, its bias out × 1; its output column is again (c, h, w) order.
 *
 * The convolution is one matrix product on the tensor kernels (the WASM one included) over an im2col matrix whose
 * columns are ordered (oh, ow, b): then W·cols, out × (OH·OW·B), is already the output (out·OH·OW) × B in row-major
 * order, so no reordering is needed on the way in or out.
 */

import type { Matrix } from '@puregrad/tensor/Matrix'
import { ShapeError, matmulTranspose, shapeOf, sumColumns, transposeMatmul, unsafeWrap } from '@puregrad/tensor/Matrix'
import { affineThen } from '../affine.js'
import type { Primitive } from './tape.js'

// -------------------------------------------------------------------------------------
// geometry
// -------------------------------------------------------------------------------------

/** An image's shape: a column of channels·height·width values in (c, h, w) order. */
export interface ImageShape {
  readonly channels: number
  readonly height: number
  readonly width: number
}

/** A number for both axes, or [along the height, along the width]. */
export type Pair = number | readonly [number, number]

/** A convolution's input image, kernel, stride (default 1) and zero padding (default 0). */
export interface Conv2dOptions extends ImageShape {
  readonly kernel: Pair
  readonly stride?: Pair
  readonly padding?: Pair
}

/** A pooling window over an input image; the stride defaults to the kernel (non-overlapping windows). */
export interface Pool2dOptions extends ImageShape {
  readonly kernel: Pair
  readonly stride?: Pair
}

/** Everything a loop needs, checked: input C×H×W, kernel kh×kw, stride, padding, output OH×OW. */
export interface Geometry {
  readonly C: number
  readonly H: number
  readonly W: number
  readonly kh: number
  readonly kw: number
  readonly sh: number
  readonly sw: number
  readonly ph: number
  readonly pw: number
  readonly OH: number
  readonly OW: number
}

const pair = (op: string, name: string, p: unknown, min: number): readonly [number, number] => {
  const [a, b] = Array.isArray(p) && p.length === 2 ? p : [p, p]
  for (const v of [a, b]) {
    if (!Number.isSafeInteger(v) || (v as number) < min) {
      throw new RangeError(`Ad.${op}: ${name} must be an integer ≥ ${min} or a pair [h, w] of them, got ${JSON.stringify(p)}`)
    }
  }
  return [a as number, b as number]
}

/**
 * The checked geometry of a window sliding over an image: OH = ⌊(H + 2·ph − kh)/sh⌋ + 1, likewise OW (PyTorch's
 * formula, without dilation). A RangeError names a field that is not a positive integer (padding: ≥ 0), a
 * ShapeError a kernel larger than the padded image.
 */
export const geometry = (op: string, o: Conv2dOptions, defaultStride: 'one' | 'kernel'): Geometry => {
  if (typeof o !== 'object' || o === null) throw new TypeError(`Ad.${op}: expected options { channels, height, width, kernel, … }`)
  for (const field of ['channels', 'height', 'width'] as const) {
    if (!Number.isSafeInteger(o[field]) || o[field] < 1) throw new RangeError(`Ad.${op}: ${field} must be a positive integer, got ${String(o[field])}`)
  }
  const [kh, kw] = pair(op, 'kernel', o.kernel, 1)
  const [sh, sw] = o.stride === undefined ? (defaultStride === 'one' ? [1, 1] : [kh, kw]) : pair(op, 'stride', o.stride, 1)
  const [ph, pw] = o.padding === undefined ? [0, 0] : pair(op, 'padding', o.padding, 0)
  const { channels: C, height: H, width: W } = o
  if (kh > H + 2 * ph || kw > W + 2 * pw) {
    throw new ShapeError(`Ad.${op}: a ${kh}×${kw} kernel does not fit a ${H}×${W} image with padding ${ph}×${pw}`)
  }
  return { C, H, W, kh, kw, sh, sw, ph, pw, OH: Math.floor((H + 2 * ph - kh) / sh) + 1, OW: Math.floor((W + 2 * pw - kw) / sw) + 1 }
}

const checkInput = (op: string, g: Geometry, x: Matrix): void => {
  if (x.rows !== g.C * g.H * g.W) {
    throw new ShapeError(`Ad.${op}: an input column must hold ${g.C}·${g.H}·${g.W} = ${g.C * g.H * g.W} values (channels·height·width), got ${shapeOf(x)}`)
  }
}

// -------------------------------------------------------------------------------------
// im2col and its adjoint
// -------------------------------------------------------------------------------------

/**
 * The output columns ow in [first, last) whose input column iw = ow·sw + j − pw falls inside the image (0 ≤ iw < W):
 * the rest read the zero padding.
 */
const insideColumns = (g: Geometry, j: number): readonly [first: number, last: number] => {
  const { W, sw, pw, OW } = g
  const first = Math.max(0, Math.ceil((pw - j) / sw))
  const last = Math.min(OW, Math.floor((W - 1 + pw - j) / sw) + 1)
  return [first, Math.max(first, last)]
}

/**
 * cols[(c·kh + i)·kw + j, (oh·OW + ow)·B + b] = x[(c·H + ih)·W + iw, b] with ih = oh·sh + i − ph, iw = ow·sw + j − pw,
 * and 0 where (ih, iw) falls in the padding. An entry copies a run of B contiguous values (one row of x); with stride 1
 * along the width, the runs of one output row are contiguous on both sides and are copied as one.
 */
const im2col = (g: Geometry, x: Float64Array, B: number): Float64Array => {
  const { C, H, W, kh, kw, sh, sw, ph, pw, OH, OW } = g
  const P = OH * OW
  const cols = new Float64Array(C * kh * kw * P * B)
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const rowBase = ((c * kh + i) * kw + j) * P * B
        const [first, last] = insideColumns(g, j)
        if (first === last) continue
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * sh + i - ph
          if (ih < 0 || ih >= H) continue
          const dst = rowBase + (oh * OW + first) * B
          const src = ((c * H + ih) * W + first * sw + j - pw) * B // x's row for output column `first`
          const step = sw * B // from one output column's row of x to the next
          if (sw === 1) cols.set(x.subarray(src, src + (last - first) * B), dst)
          else {
            // one run of B per output column: a loop, not a view per run (a view is an allocation)
            for (let q = 0; q < last - first; q++) for (let b = 0; b < B; b++) cols[dst + q * B + b] = x[src + q * step + b]!
          }
        }
      }
    }
  }
  return cols
}

/**
 * The adjoint of im2col: dx[(c·H + ih)·W + iw, b] = Σ of the dcols entries im2col copied it into, added in im2col's
 * order (c, i, j, oh, ow, b), so the sums are the same for any stride.
 */
const col2im = (g: Geometry, dcols: ArrayLike<number>, B: number): Float64Array => {
  const { C, H, W, kh, kw, sh, sw, ph, pw, OH, OW } = g
  const P = OH * OW
  const dx = new Float64Array(C * H * W * B)
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const rowBase = ((c * kh + i) * kw + j) * P * B
        const [first, last] = insideColumns(g, j)
        for (let oh = 0; oh < OH; oh++) {
          const ih = oh * sh + i - ph
          if (ih < 0 || ih >= H) continue
          for (let ow = first; ow < last; ow++) {
            const dst = ((c * H + ih) * W + ow * sw + j - pw) * B
            const src = rowBase + (oh * OW + ow) * B
            for (let b = 0; b < B; b++) dx[dst + b] += dcols[src + b]!
          }
        }
      }
    }
  }
  return dx
}

// -------------------------------------------------------------------------------------
// conv2d
// -------------------------------------------------------------------------------------

interface Conv2dSaved {
  readonly g: Geometry
  readonly W: Matrix
  /** The im2col matrix, (C·kh·kw) × (OH·OW·B). */
  readonly cols: Matrix
  readonly batch: number
}

/**
 * y = conv(W, x) + b: for output channel o at (oh, ow), Σ_{c,i,j} W[o, (c·kh + i)·kw + j]·x[c, oh·sh + i − ph, ow·sw + j − pw]
 * + b[o], i.e. Y = W·cols + b with cols = im2col(x) and Y (out × OH·OW·B) read as (out·OH·OW) × B. With G = g read
 * as out × (OH·OW·B):  ∂/∂W = G·colsᵀ,  ∂/∂b = Σ over (oh, ow, b) of G (the bias rule of a dense layer, summed over
 * positions too),  ∂/∂x = col2im(Wᵀ·G). Inputs are [W, b, x].
 */
export const conv2d: Primitive<Geometry, Conv2dSaved> = {
  name: 'conv2d',
  forward: ([W, b, x], g) => {
    checkInput('conv2d', g, x!)
    const K = g.C * g.kh * g.kw
    if (W!.cols !== K) {
      throw new ShapeError(`Ad.conv2d: W must be out × ${g.C}·${g.kh}·${g.kw} = out × ${K} (PyTorch's weight.reshape(out, -1)), got ${shapeOf(W!)}`)
    }
    if (b!.rows !== W!.rows || b!.cols !== 1) throw new ShapeError(`Ad.conv2d: b must be ${W!.rows}×1 for W ${shapeOf(W!)}, got ${shapeOf(b!)}`)
    const B = x!.cols
    const cols = unsafeWrap(K, g.OH * g.OW * B, im2col(g, x!.data as Float64Array, B))
    const y = affineThen({ W: W!, b: b! }, cols)
    return [unsafeWrap(W!.rows * g.OH * g.OW, B, y.data as Float64Array), { g, W: W!, cols, batch: B }]
  },
  vjp: ({ g, W, cols, batch }, dy, needs) => {
    const G = unsafeWrap(W.rows, g.OH * g.OW * batch, dy.data as Float64Array)
    return [
      needs[0] ? matmulTranspose(cols)(G) : undefined,
      needs[1] ? sumColumns(G) : undefined,
      needs[2] ? unsafeWrap(g.C * g.H * g.W, batch, col2im(g, transposeMatmul(G)(W).data, batch)) : undefined
    ]
  }
}

// -------------------------------------------------------------------------------------
// pooling
// -------------------------------------------------------------------------------------

interface MaxPoolSaved {
  readonly inputRows: number
  /** For each output entry, the flat index in x of the entry it took (its window's first maximum). */
  readonly argmax: Int32Array
}

/**
 * y[c, oh, ow] = max over the window (i < kh, j < kw) of x[c, oh·sh + i, ow·sw + j]; the first maximum in (i, j)
 * order wins ties, and a NaN in the window gives NaN (as PyTorch). ∂/∂x: each g entry goes to the entry its
 * maximum came from (summed where windows overlap).
 */
export const maxPool2d: Primitive<Geometry, MaxPoolSaved> = {
  name: 'maxPool2d',
  forward: ([x], g) => {
    checkInput('maxPool2d', g, x!)
    const { C, H, W, kh, kw, sh, sw, OH, OW } = g
    const B = x!.cols, data = x!.data
    const out = new Float64Array(C * OH * OW * B)
    const argmax = new Int32Array(out.length)
    for (let c = 0; c < C; c++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const dst = ((c * OH + oh) * OW + ow) * B
          const first = ((c * H + oh * sh) * W + ow * sw) * B
          for (let b = 0; b < B; b++) (out[dst + b] = data[first + b]!), (argmax[dst + b] = first + b)
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              if (i === 0 && j === 0) continue
              const src = ((c * H + oh * sh + i) * W + ow * sw + j) * B
              for (let b = 0; b < B; b++) {
                const v = data[src + b]!
                if (v > out[dst + b]! || (v !== v && out[dst + b] === out[dst + b])) (out[dst + b] = v), (argmax[dst + b] = src + b)
              }
            }
          }
        }
      }
    }
    return [unsafeWrap(C * OH * OW, B, out), { inputRows: C * H * W, argmax }]
  },
  vjp: ({ inputRows, argmax }, dy) => {
    const dx = new Float64Array(inputRows * dy.cols)
    for (let k = 0; k < argmax.length; k++) dx[argmax[k]!] += dy.data[k]!
    return [unsafeWrap(inputRows, dy.cols, dx)]
  }
}

/**
 * y[c, oh, ow] = Σ over the window of x[c, oh·sh + i, ow·sw + j] / (kh·kw) (PyTorch's avg_pool2d
 * without padding: the sum, then one division).
 * ∂/∂x: each window entry receives g/(kh·kw) (summed where windows overlap).
 */
export const avgPool2d: Primitive<Geometry, Geometry> = {
  name: 'avgPool2d',
  forward: ([x], g) => {
    checkInput('avgPool2d', g, x!)
    const { C, H, W, kh, kw, sh, sw, OH, OW } = g
    const B = x!.cols, data = x!.data
    const out = new Float64Array(C * OH * OW * B)
    const area = kh * kw
    for (let c = 0; c < C; c++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const dst = ((c * OH + oh) * OW + ow) * B
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const src = ((c * H + oh * sh + i) * W + ow * sw + j) * B
              for (let b = 0; b < B; b++) out[dst + b] += data[src + b]!
            }
          }
          for (let b = 0; b < B; b++) out[dst + b] /= area
        }
      }
    }
    return [unsafeWrap(C * OH * OW, B, out), g]
  },
  vjp: (g, dy) => {
    const { C, H, W, kh, kw, sh, sw, OH, OW } = g
    const B = dy.cols
    const dx = new Float64Array(C * H * W * B)
    const area = kh * kw
    for (let c = 0; c < C; c++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const src = ((c * OH + oh) * OW + ow) * B
          for (let i = 0; i < kh; i++) {
            for (let j = 0; j < kw; j++) {
              const dst = ((c * H + oh * sh + i) * W + ow * sw + j) * B
              for (let b = 0; b < B; b++) dx[dst + b] += dy.data[src + b]! / area
            }
          }
        }
      }
    }
    return [unsafeWrap(C * H * W, B, dx)]
  }
}
