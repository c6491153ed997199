import { describe, it } from 'vitest'

// The page's end-to-end tests need a browser, which `pnpm test` does not assume: they are in e2e/ and run with
// `pnpm test:browser` (Chromium from apt). Listed here as skipped, so a `pnpm test` run says they did not run.
describe('the playground in a real browser', () => {
  it.skip('runs with pnpm test:browser (needs Chromium: apt-get install -y chromium), not with pnpm test', () => undefined)
})
