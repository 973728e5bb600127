import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import packageJson from '../package.json' with { type: 'json' }
import { runCli, runCliOnTerminal, scriptAvailable } from './support/cli.js'
import { type CaseFolder, createCaseFolder, inCaseFolder } from './support/config-case.js'

// Everything here runs with no database and no server: usage errors are found before any
// connection is opened, and --help and --version connect to nothing. Each test only starts
// the bin and reads what it printed, so they run concurrently.

let folder: CaseFolder

beforeAll(async () => {
  folder = await createCaseFolder()
})
afterAll(async () => {
  await folder?.remove()
})

const ESCAPE = '\x1b['

const COMMANDS = ['migrate', 'status', 'runs', 'mute', 'unmute', 'test-alert', 'deliver', 'check', 'report', 'purge']

describe.concurrent('help and version', () => {
  it('lists every command with examples, the exit codes and where the database comes from on --help', async () => {
    const result = await runCli(['--help'], { cwd: folder.dir })
    expect(result.code).toBe(0)
    for (const command of COMMANDS) expect(result.stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'))
    expect(result.stdout).toContain('Examples:')
    expect(result.stdout).toContain('$ cronwarden status')
    expect(result.stdout).toContain('Exit codes: 0 ok, 1 unhealthy or failed')
    expect(result.stdout).toContain('--database-url')
    expect(result.stderr).toBe('')
  })

  it.each([
    ['migrate', '$ cronwarden migrate'],
    ['status', '$ cronwarden status'],
    ['runs', '$ cronwarden runs'],
    ['mute', '$ cronwarden mute nightly-export --for 2h'],
    ['unmute', '$ cronwarden unmute'],
    ['test-alert', '$ cronwarden test-alert'],
    ['deliver', '$ cronwarden deliver'],
    ['check', '$ cronwarden check'],
    ['purge', '$ cronwarden purge --older-than'],
  ])('shows an example of `%s` in its own --help', async (command, example) => {
    const result = await runCli([command, '--help'], { cwd: folder.dir })
    expect(result.code).toBe(0)
    expect(result.stdout).toContain(`Usage: cronwarden ${command}`)
    expect(result.stdout).toContain('Examples:')
    expect(result.stdout).toContain(example)
  })

  it('prints the package version on --version', async () => {
    const result = await runCli(['--version'], { cwd: folder.dir })
    expect(result).toMatchObject({ code: 0, stdout: `${packageJson.version}\n` })
  })
})

describe.concurrent('usage errors exit 2 and name what is wrong', () => {
  it.each([
    [['runs', 'nightly-export', '--limit', 'zero'], '--limit'],
    [['status', '--runs', '0'], '--runs'],
    [['status', '--expired-within', '-3'], '--expired-within'],
    [['purge', '--older-than', '1.5'], '--older-than'],
    [['purge', '--older-than', '30', '--batch-size', 'all'], '--batch-size'],
    [['mute', 'nightly-export', '--for', '2 hours'], '--for: expected a whole number and a unit s, m, h or d'],
    [['mute', 'nightly-export', '--until', '1 December'], '--until: expected an ISO 8601 time with a zone'],
  ])('names the flag of a bad value: %j', async (args, flag) => {
    const result = await runCli(args, { cwd: folder.dir, env: { DATABASE_URL: 'postgres://127.0.0.1:1/never' } })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(flag)
    expect(result.stdout).toBe('')
  })

  it('refuses purge without --older-than, naming the flag', async () => {
    const result = await runCli(['purge'], { cwd: folder.dir, env: { DATABASE_URL: 'postgres://127.0.0.1:1/never' } })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--older-than')
  })

  it('refuses an unknown command and an unknown flag', async () => {
    const [command, flag] = await Promise.all([
      runCli(['stauts'], { cwd: folder.dir }),
      runCli(['status', '--jsno'], { cwd: folder.dir }),
    ])
    expect(command.code).toBe(2)
    expect(command.stderr).toContain("unknown command 'stauts'")
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain("unknown option '--jsno'")
  })

  it.each([['status'], ['runs', 'nightly-export'], ['migrate'], ['purge', '--older-than', '30']])(
    'names --database-url when `%s` has no database',
    async (...args) => {
      const result = await runCli(args, { cwd: folder.dir })
      expect(result.code).toBe(2)
      expect(result.stderr).toContain('--database-url')
      expect(result.stderr).toContain('DATABASE_URL')
      expect(result.stdout).toBe('')
    },
  )

  it('names where a connection string that is not postgres:// came from', async () => {
    const [flag, env] = await Promise.all([
      runCli(['status', '--database-url', 'mysql://root@localhost/app'], { cwd: folder.dir }),
      runCli(['status'], { cwd: folder.dir, env: { DATABASE_URL: 'localhost:5432' } }),
    ])
    expect(flag.code).toBe(2)
    expect(flag.stderr).toContain('--database-url: expected a postgres:// or postgresql:// connection string')
    expect(env.code).toBe(2)
    expect(env.stderr).toContain('DATABASE_URL: expected a postgres:// or postgresql:// connection string')
  })

  it('names the file when --config points at nothing', async () => {
    const result = await runCli(['status', '--config', 'nowhere.config.ts'], { cwd: folder.dir })
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('--config: no such file')
    expect(result.stderr).toContain('nowhere.config.ts')
  })

  it('says test-alert and deliver need notifiers, and check needs jobs, when the config has none', async () => {
    const [testAlert, deliver, check] = await Promise.all([
      runCli(['test-alert'], { cwd: folder.dir }),
      runCli(['deliver'], { cwd: folder.dir, env: { DATABASE_URL: 'postgres://127.0.0.1:1/never' } }),
      runCli(['check'], { cwd: folder.dir, env: { DATABASE_URL: 'postgres://127.0.0.1:1/never' } }),
    ])
    expect(testAlert.code).toBe(2)
    expect(testAlert.stderr).toContain('test-alert: no notifiers configured: add `notifiers`')
    expect(deliver.code).toBe(2)
    expect(deliver.stderr).toContain('deliver: no notifiers configured')
    expect(check.code).toBe(2)
    expect(check.stderr).toContain('check: nothing to check: add `jobs`')
  })
})

describe.concurrent('config errors exit 2 and name the key', () => {
  /** Runs `args` in a folder whose `cronwarden.config.mjs` is `config`; expects exit 2 and gives stderr. */
  async function usageError(config: string, args: string[]): Promise<string> {
    return inCaseFolder(async (cases) => {
      await cases.write('cronwarden.config.mjs', config)
      const result = await runCli(args, { cwd: cases.dir })
      expect(result.code).toBe(2)
      return result.stderr
    })
  }

  it('names a misspelled key and a key with a bad value', async () => {
    const stderr = await usageError(
      "export default { databseUrl: 'postgres://127.0.0.1/app', notifyTimeoutMs: 'soon' }\n",
      ['status'],
    )
    expect(stderr).toContain('databseUrl')
    expect(stderr).toContain('notifyTimeoutMs')
    expect(stderr).toContain('cronwarden.config.mjs')
  })

  it('names the notifiers key of a notifier that is not one', async () => {
    const stderr = await usageError("export default { notifiers: [{ name: 'slack' }] }\n", ['test-alert'])
    expect(stderr).toContain('notifiers')
  })

  it('reports a config that throws while loading, without the password of a URL in its message', async () => {
    const stderr = await usageError(
      "throw new Error('cannot reach postgres://admin:hunter2secret@db.internal:5432/app')\n",
      ['status'],
    )
    expect(stderr).toContain('could not load')
    expect(stderr).toContain('cronwarden.config.mjs')
    expect(stderr).not.toContain('hunter2secret')
  })
})

describe.skipIf(!scriptAvailable)('colour of diagnostics (util-linux script)', () => {
  it('colours an error on a terminal, and not with NO_COLOR', async () => {
    const [terminal, noColor] = await Promise.all([
      runCliOnTerminal(['status'], { cwd: folder.dir }),
      runCliOnTerminal(['status'], { cwd: folder.dir, env: { NO_COLOR: '1' } }),
    ])
    expect(terminal.code).toBe(2)
    expect(terminal.output).toContain('--database-url')
    expect(terminal.output).toContain(ESCAPE)
    expect(noColor.output).toContain('--database-url')
    expect(noColor.output).not.toContain(ESCAPE)
  })

  it('writes no escape codes into stderr redirected to a file while stdout is a terminal', async () => {
    const log = join(folder.dir, 'errors.log')
    const result = await runCliOnTerminal(['status'], { cwd: folder.dir, stderrFile: log })
    expect(result.code).toBe(2)
    const written = await readFile(log, 'utf8')
    expect(written).toContain('--database-url')
    expect(written).not.toContain(ESCAPE)
  })
})
