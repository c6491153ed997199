/**
 * The two 32-bit words of a double, as fdlibm reads and writes them (__HI, __LO, SET_HIGH_WORD), through a DataView
 * with an explicit byte order: the same on every engine and platform.
 */

const view = new DataView(new ArrayBuffer(8))

/** The upper word (sign, exponent, top 20 bits of the fraction) as a signed 32-bit integer. */
export const highWord = (x: number): number => {
  view.setFloat64(0, x)
  return view.getInt32(0)
}

/** The lower 32 bits of the fraction, unsigned. */
export const lowWord = (x: number): number => {
  view.setFloat64(0, x)
  return view.getUint32(4)
}

/** x with its upper word replaced. */
export const withHighWord = (x: number, high: number): number => {
  view.setFloat64(0, x)
  view.setInt32(0, high)
  return view.getFloat64(0)
}

/** The double made of two words. */
export const fromWords = (high: number, low: number): number => {
  view.setInt32(0, high)
  view.setUint32(4, low)
  return view.getFloat64(0)
}
