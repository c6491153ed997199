#!/usr/bin/env node
// `pnpm demo [-- options]`: builds the xor-demo app and what it depends on (quietly, through turbo's cache),
// then runs it with the given options. The build's output is shown only when the build fails, so
// `pnpm --silent demo --json` prints exactly one JSON document.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const turbo = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'turbo.cmd' : 'turbo')
const build = spawnSync(turbo, ['run', 'build', '--filter=@puregrad/xor-demo...', '--output-logs=errors-only'], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' }
})
if (build.status !== 0) {
  process.stderr.write(build.stdout ?? '')
  process.stderr.write(build.stderr ?? '')
  process.stderr.write(`demo: the build failed${build.error ? ` (${build.error.message})` : ''}\n`)
  process.exit(1)
}
const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'))
const run = spawnSync(process.execPath, [join(root, 'apps', 'xor-demo', 'dist', 'main.js'), ...args], { stdio: 'inherit' })
process.exit(run.status ?? 1)
