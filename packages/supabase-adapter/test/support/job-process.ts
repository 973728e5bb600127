import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const fixture = fileURLToPath(new URL('../fixtures/run-job.ts', import.meta.url))
const tsconfig = fileURLToPath(new URL('../fixtures/tsconfig.json', import.meta.url))
const packageDir = fileURLToPath(new URL('../../', import.meta.url))

export interface JobProcess {
  child: ChildProcess
  /** Resolves with the first reported event of this kind; rejects if the process exits first. */
  next(event: string): Promise<Record<string, unknown>>
  /** Resolves, once the process has exited, with the last event it reported. */
  outcome(): Promise<Record<string, unknown> | undefined>
  exited: Promise<number | null>
}

/** Starts `test/fixtures/run-job.ts` in its own Node process (through tsx, from source). */
export function startJobProcess(env: {
  databaseUrl: string
  jobName: string
  leaseMs: number
  jobMs: number
}): JobProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', fixture], {
    cwd: packageDir,
    env: {
      ...process.env,
      TSX_TSCONFIG_PATH: tsconfig,
      DATABASE_URL: env.databaseUrl,
      JOB_NAME: env.jobName,
      LEASE_MS: String(env.leaseMs),
      JOB_MS: String(env.jobMs),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const events: Record<string, unknown>[] = []
  const listeners = new Set<() => void>()
  const notify = () => {
    for (const listener of listeners) listener()
  }
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    events.push(JSON.parse(line) as Record<string, unknown>)
    notify()
  })
  let hasExited = false
  const exited = new Promise<number | null>((resolve) =>
    // 'close' comes after stdout has ended, so every reported line has been read by then.
    child.on('close', (code) => {
      hasExited = true
      resolve(code)
      notify()
    }),
  )
  const next = (event: string) =>
    new Promise<Record<string, unknown>>((resolve, reject) => {
      const check = () => {
        const found = events.find((entry) => entry.event === event)
        if (found) resolve(found)
        else if (hasExited) reject(new Error(`process exited before reporting "${event}": ${JSON.stringify(events)}`))
        else return
        listeners.delete(check)
      }
      listeners.add(check)
      check()
    })
  const outcome = async () => {
    await exited
    return events.at(-1)
  }
  return { child, next, outcome, exited }
}
