// Packs the UCI 8×8 digits (scikit-learn's copy, Debian's python3-sklearn) into data/digits.txt.gz:
//   node scripts/pack-digits.mjs /usr/lib/python3/dist-packages/sklearn/datasets/data/digits.csv.gz
// One line per image: its label, then its 64 grey levels (0..16, row by row) as one base-17 digit each (0-9, a-g).
import { readFileSync, writeFileSync } from 'node:fs'
import { gunzipSync, gzipSync } from 'node:zlib'

const [source] = process.argv.slice(2)
if (source === undefined) {
  console.error('usage: node scripts/pack-digits.mjs PATH/digits.csv.gz')
  process.exit(2)
}
const lines = gunzipSync(readFileSync(source)).toString('utf8').trim().split('\n')
const packed = lines.map((line, i) => {
  const values = line.split(',').map(Number)
  if (values.length !== 65 || !values.every((v) => Number.isInteger(v) && v >= 0 && v <= 16)) throw new Error(`line ${i + 1} is not 64 grey levels and a label`)
  const label = values[64]
  if (label > 9) throw new Error(`line ${i + 1}: label ${label}`)
  return `${label}${values.slice(0, 64).map((v) => v.toString(17)).join('')}`
})
writeFileSync(new URL('../data/digits.txt.gz', import.meta.url), gzipSync(`${packed.join('\n')}\n`, { level: 9 }))
console.log(`packed ${packed.length} images`)
