import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { sourceEnv } from './support/source-env.js'

const run = promisify(execFile)
const packageDir = fileURLToPath(new URL('..', import.meta.url))

describe('pnpm start (src/main.ts) on a fresh embedded database', () => {
  it('sends one Slack alert through the Vault-held webhook URL and prints the Postgres execution log', async () => {
    const env = sourceEnv()
    delete env.DATABASE_URL
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: packageDir,
      env,
      timeout: 120_000,
    })
    expect(stdout.match(/^SLACK ALERT /gm)).toHaveLength(1)
    expect(stdout).toMatch(
      /SLACK ALERT received by the local webhook: .*assignment-follow-up-reminders.* failed 2 times in a row/,
    )
    expect(stdout).toContain('9 of 9 reminder sends failed (first error: reminder service answered 503)')
    expect(stdout).toMatch(/day 4: push service up {3}→ due 16, sent 16, failed 0/)
    expect(stdout).toContain('0 more than once')
    expect(stdout).toContain('Execution log (cronwarden.cron_execution_logs), newest first:')
    expect(stdout).toContain('consecutive_failures via slack: delivered')
    expect(stdout).toMatch(/│ 0 +│ 'succeeded' │ 0 /)
    expect(stdout).toMatch(/│ 1 +│ 'failed' +│ 2 /)
  })
})
