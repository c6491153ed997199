#!/usr/bin/env node
// `node scripts/app.mjs APP [options]`, behind `pnpm demo` (xor-demo), `pnpm digits` and `pnpm playground`: builds the app and what
// it depends on (quietly, through turbo's cache), then runs it with the given options. The build's output is shown
// only when the build fails, so `pnpm --silent digits --json` prints exactly one JSON document.
import { spawnSync } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const turbo = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'turbo.cmd' : 'turbo')
const [app, ...rest] = process.argv.slice(2)
if (app === undefined || !/^[\w-]+$/.test(app)) {
  process.stderr.write('usage: node scripts/app.mjs APP [options]\n')
  process.exit(2)
}
const build = spawnSync(turbo, ['run', 'build', `--filter=@puregrad/${app}...`, '--output-logs=errors-only'], {
  cwd: root,
  encoding: 'utf8',
  env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' }
})
if (build.status !== 0) {
  process.stderr.write(build.stdout ?? '')
  process.stderr.write(build.stderr ?? '')
  process.stderr.write(`${app}: the build failed${build.error ? ` (${build.error.message})` : ''}\n`)
  process.exit(1)
}
const args = rest.filter((a, i) => !(i === 0 && a === '--'))
// Each app's entry: a CLI's compiled main, or the playground's static server.
const entry = app === 'playground' ? join('scripts', 'serve.mjs') : join('dist', 'main.js')
const run = spawnSync(process.execPath, [join(root, 'apps', app, entry), ...args], { stdio: 'inherit' })
process.exit(run.status ?? 1)
