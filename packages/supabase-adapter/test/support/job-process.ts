import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const tsconfig = fileURLToPath(new URL('../fixtures/tsconfig.json', import.meta.url))
const packageDir = fileURLToPath(new URL('../../', import.meta.url))

/** A fixture running in its own Node process, reporting on stdout as JSON lines. */
export interface FixtureProcess {
  child: ChildProcess
  /** Resolves with the first reported event of this kind; rejects if the process ends first. */
  next(event: string): Promise<Record<string, unknown>>
  /** Resolves once the process has ended, with its exit code or signal and its reports. */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; reports: Record<string, unknown>[] }>
}

/** Starts `test/fixtures/<fixture>` in its own Node process (through tsx, from source). */
function startFixtureProcess(fixture: string, env: Record<string, string>): FixtureProcess {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(new URL(`../fixtures/${fixture}`, import.meta.url))],
    {
      cwd: packageDir,
      env: { ...process.env, TSX_TSCONFIG_PATH: tsconfig, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  )
  const reports: Record<string, unknown>[] = []
  const waiting = new Set<() => void>()
  const check = () => {
    for (const listener of waiting) listener()
  }
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    reports.push(JSON.parse(line) as Record<string, unknown>)
    check()
  })
  let hasEnded = false
  // 'close' comes after stdout has ended, so every reported line has been read by then.
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; reports: typeof reports }>(
    (resolve) =>
      child.on('close', (code, signal) => {
        hasEnded = true
        resolve({ code, signal, reports })
        check()
      }),
  )
  const next = (event: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const listener = () => {
        const found = reports.find((entry) => entry.event === event)
        if (found) resolve(found)
        else if (hasEnded) reject(new Error(`process ended before reporting "${event}": ${JSON.stringify(reports)}`))
        else return
        waiting.delete(listener)
      }
      waiting.add(listener)
      listener()
    })
  return { child, next, ended }
}

export interface JobProcess extends FixtureProcess {
  /** Resolves, once the process has exited, with the last event it reported. */
  outcome(): Promise<Record<string, unknown> | undefined>
  exited: Promise<number | null>
}

/** `test/fixtures/run-job.ts`: one wrapped job that runs for `jobMs`, as a worker would. */
export function startJobProcess(env: {
  databaseUrl: string
  jobName: string
  leaseMs: number
  jobMs: number
}): JobProcess {
  const fixture = startFixtureProcess('run-job.ts', {
    DATABASE_URL: env.databaseUrl,
    JOB_NAME: env.jobName,
    LEASE_MS: String(env.leaseMs),
    JOB_MS: String(env.jobMs),
  })
  return {
    ...fixture,
    outcome: async () => (await fixture.ended).reports.at(-1),
    exited: fixture.ended.then((ended) => ended.code),
  }
}

/** Where the child's notifier kills its own process; `never` leaves the killing to the test. */
export type CrashPoint = 'before-send' | 'after-accepted' | 'never'

/** `test/fixtures/fail-and-alert.ts`: one failing call whose notifier can SIGKILL its process. */
export function startAlertJobProcess(env: {
  databaseUrl: string
  jobName: string
  webhookUrl: string
  notifyTimeoutMs: number
  crashAt: CrashPoint
}): FixtureProcess {
  return startFixtureProcess('fail-and-alert.ts', {
    DATABASE_URL: env.databaseUrl,
    JOB_NAME: env.jobName,
    WEBHOOK_URL: env.webhookUrl,
    NOTIFY_TIMEOUT_MS: String(env.notifyTimeoutMs),
    CRASH_AT: env.crashAt,
  })
}
