import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const fixture = fileURLToPath(new URL('../fixtures/fail-and-alert.ts', import.meta.url))
const tsconfig = fileURLToPath(new URL('../fixtures/tsconfig.json', import.meta.url))
const packageDir = fileURLToPath(new URL('../../', import.meta.url))

/** Where the child's notifier kills its own process; `never` leaves the killing to the test. */
export type CrashPoint = 'before-send' | 'after-accepted' | 'never'

export interface AlertJobProcess {
  child: ChildProcess
  /** Resolves with the first reported event of this kind; rejects if the process ends first. */
  next(event: string): Promise<Record<string, unknown>>
  /** Resolves once the process has ended, with the signal that ended it (if any) and its reports. */
  ended: Promise<{ code: number | null; signal: NodeJS.Signals | null; reports: Record<string, unknown>[] }>
}

/** Starts `test/fixtures/fail-and-alert.ts` in its own Node process (through tsx, from source). */
export function startAlertJobProcess(env: {
  databaseUrl: string
  jobName: string
  webhookUrl: string
  notifyTimeoutMs: number
  crashAt: CrashPoint
}): AlertJobProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: packageDir,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: tsconfig,
      DATABASE_URL: env.databaseUrl,
      JOB_NAME: env.jobName,
      WEBHOOK_URL: env.webhookUrl,
      NOTIFY_TIMEOUT_MS: String(env.notifyTimeoutMs),
      CRASH_AT: env.crashAt,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
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
