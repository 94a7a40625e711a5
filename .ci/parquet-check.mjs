// Reads a replicates Parquet file with hyparquet (an independent, pure
// JavaScript reader) and checks it against the CSV of the same batch, cell
// by cell (numbers compared as doubles, null against an empty cell), and
// against summary.csv (successes per variant and outcome). Run by
// .ci/analysis-test: node parquet-check.mjs FILE.parquet FILE.csv.gz summary.csv
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'
import { readFileSync } from 'node:fs'
import { gunzipSync } from 'node:zlib'

const [pq, csvPath, summaryPath] = process.argv.slice(2)
const rows = await parquetReadObjects({ file: await asyncBufferFromFile(pq), compressors })
// The CSV has no quoted fields: variant names and parameter paths hold no comma.
const csv = gunzipSync(readFileSync(csvPath)).toString('utf8').trim().split('\n').map(l => l.split(','))
const cols = Object.keys(rows[0])
if (cols.join(',') !== csv[0].join(',')) throw new Error('the Parquet columns differ from the CSV header')
if (rows.length !== csv.length - 1) throw new Error(`${rows.length} Parquet rows, ${csv.length - 1} CSV rows`)
rows.forEach((r, i) => cols.forEach((c, j) => {
  const want = csv[i + 1][j]
  const got = r[c]
  const same = got === null || got === undefined ? want === '' : c === 'variant' ? got === want : Number(got) === Number(want)
  if (!same) throw new Error(`row ${i}, ${c}: ${got} in the Parquet file, ${want} in the CSV`)
}))
const lines = readFileSync(summaryPath, 'utf8').trim().split('\n')
const head = lines[0].split(',')
for (const line of lines.slice(1)) {
  const f = Object.fromEntries(line.split(',').map((v, i) => [head[i], v]))
  const reps = rows.filter(r => r.variant === f.variant)
  const hits = reps.filter(r => r['outcome:' + f.outcome] !== null && r['outcome:' + f.outcome] !== undefined).length
  if (reps.length !== Number(f.n) || hits !== Number(f.successes)) {
    throw new Error(`${f.variant} ${f.outcome}: ${hits}/${reps.length} in the Parquet file, ${f.successes}/${f.n} in summary.csv`)
  }
}
console.log(`hyparquet: ${rows.length} rows × ${cols.length} columns equal the CSV; ${lines.length - 1} (variant, outcome) rows agree with summary.csv`)
