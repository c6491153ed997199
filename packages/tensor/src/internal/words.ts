/**
 * The two 32-bit words of a double, as fdlibm reads them (__HI, __LO), through typed arrays over one 8-byte buffer,
 * with the platform's byte order found once (a DataView with an explicit order gives the same words, more slowly on
 * V8). Nothing here writes a word into a double: an 8-byte load of a just-stored 4-byte word misses the CPU's
 * store-to-load forwarding; fdlibm's exponent writes are multiplications by powersOfTwo.twoTo instead.
 */

const float = new Float64Array(1)
const signed = new Int32Array(float.buffer)
const unsigned = new Uint32Array(float.buffer)
/** Index of the upper word: 1 on little-endian platforms (all current ones), 0 on big-endian. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0
const LO = 1 - HI

/** The upper word (sign, exponent, top 20 bits of the fraction) as a signed 32-bit integer. */
export const highWord = (x: number): number => {
  float[0] = x
  return signed[HI]!
}

/** The lower 32 bits of the fraction, unsigned. */
export const lowWord = (x: number): number => {
  float[0] = x
  return unsigned[LO]!
}
