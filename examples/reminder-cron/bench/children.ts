import { type ChildProcess, fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const running = new Set<ChildProcess>()

// Every way out of the bench, a crash included ('exit' also runs after an uncaught exception
// is printed), kills the children still running: a child left behind keeps the terminal's
// stdout open, so the command never returns. Where this process dies without running
// handlers (SIGKILL), the children see their IPC channel close and exit on their own.
process.on('exit', () => {
  for (const child of running) child.kill()
})

/** A bench script in a child process with this process's loader (tsx) and `nodeFlags`. */
export function forkBenchChild(file: string, args: string[] = [], nodeFlags: string[] = []): ChildProcess {
  const child = fork(fileURLToPath(new URL(file, import.meta.url)), args, {
    execArgv: [...process.execArgv, ...nodeFlags],
  })
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

/** The child's next message; rejects if it exits first. */
export function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: unknown) => {
      child.off('exit', onExit)
      resolve(message as T)
    }
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      child.off('message', onMessage)
      reject(new Error(`child exited with ${signal ?? code} before answering`))
    }
    child.once('message', onMessage)
    child.once('exit', onExit)
  })
}

/** The one message a child sends before it exits, once it has exited cleanly. */
export function lastWord<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    let answer: { message: T } | undefined
    child.once('message', (message) => {
      answer = { message: message as T }
    })
    child.once('exit', (code, signal) => {
      if (answer && code === 0) resolve(answer.message)
      else reject(new Error(`child exited with ${signal ?? code}${answer ? '' : ' before answering'}`))
    })
  })
}

/**
 * For a child: exit when the parent is gone (its IPC channel closed), however it went, so
 * an orphan never keeps a port, a database connection or the terminal's stdout.
 */
export function exitWithParent(): void {
  process.on('disconnect', () => process.exit(1))
}
