import { execFile, spawnSync } from 'node:child_process'
import { BIN_PATH } from './build-bin.js'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * Runs the built bin as a child process, as an operator's shell would. The environment is
 * built from scratch (PATH and HOME, then `env`), so a colour or database variable of the
 * test runner's own never leaks in.
 */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string> } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN_PATH, ...args],
      {
        cwd: options.cwd ?? process.cwd(),
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
        timeout: 60_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error)
        resolve({ code: error ? Number(error.code) : 0, stdout, stderr })
      },
    )
  })
}

/** Whether util-linux `script` is here, to give the bin a pseudo-terminal. */
export const scriptAvailable = ((): boolean => {
  const result = spawnSync('script', ['--version'], { encoding: 'utf8' })
  const available = result.status === 0 && /util-linux/.test(result.stdout)
  if (!available) console.warn('skipping terminal (TTY) tests: util-linux `script` is not installed')
  return available
})()

/**
 * Runs the built bin on a pseudo-terminal (util-linux `script`), as in an operator's
 * terminal: stdout is a TTY. `output` is what the terminal showed, stdout and stderr mixed,
 * unless `stderrFile` sends stderr to a file instead.
 */
export function runCliOnTerminal(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; stderrFile?: string } = {},
): Promise<{ code: number; output: string }> {
  const redirect = options.stderrFile === undefined ? '' : ` 2>${shellQuote(options.stderrFile)}`
  const command = [process.execPath, BIN_PATH, ...args].map(shellQuote).join(' ') + redirect
  return new Promise((resolve, reject) => {
    execFile(
      'script',
      ['-qec', command, '/dev/null'],
      {
        cwd: options.cwd ?? process.cwd(),
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', TERM: 'xterm-256color', ...options.env },
        timeout: 60_000,
      },
      (error, stdout) => {
        if (error && typeof error.code !== 'number') return reject(error)
        resolve({ code: error ? Number(error.code) : 0, output: stdout })
      },
    )
  })
}

function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`
}

/** stdout parsed as the one JSON document `--json` promises; throws if anything else is there. */
export function parseJsonOutput<T = Record<string, unknown>>(result: CliResult): T {
  return JSON.parse(result.stdout) as T
}
