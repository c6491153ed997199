/** Runs the built CLI as a user runs it: a spawned `node dist/main.js` (pnpm test builds it first). */
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { cliRunner } from '@puregrad/cli-kit/spawn'

export type { Ran } from '@puregrad/cli-kit/spawn'
export const appDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..')
export const cli = join(appDir, 'dist', 'main.js')
export const run = cliRunner(cli)
