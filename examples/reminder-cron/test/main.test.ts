import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

const run = promisify(execFile)
const packageDir = fileURLToPath(new URL('..', import.meta.url))

describe('pnpm start (src/main.ts) on a fresh embedded database', () => {
  it('prints one alert, the recovery, and the execution log as a table', async () => {
    const env = { ...process.env }
    delete env.DATABASE_URL
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: packageDir,
      env,
      timeout: 120_000,
    })
    expect(stdout.match(/^ALERT: /gm)).toHaveLength(1)
    expect(stdout).toContain('ALERT: assignment-follow-up-reminders failed 2 times in a row')
    expect(stdout).toMatch(/day 4: push service up {3}→ due 16, sent 16, failed 0/)
    expect(stdout).toContain('0 more than once')
    expect(stdout).toContain('Execution log, newest first:')
    expect(stdout).toMatch(/│ 0 +│ 'succeeded' │ 0 /)
    expect(stdout).toMatch(/│ 1 +│ 'failed' +│ 2 /)
  })
})
