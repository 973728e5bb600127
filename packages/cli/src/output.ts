import Table from 'cli-table3'
import { createColors } from 'picocolors'

/** picocolors' colour functions, all identity when colour is off. */
export type Colors = ReturnType<typeof createColors>

/** Where a command writes: results on stdout, progress and diagnostics on stderr. */
export interface Output {
  /** True with `--json`: stdout carries one JSON document and nothing else. */
  json: boolean
  /** For text written to stdout (`line`, `table`). */
  colors: Colors
  /** For text written to stderr (`note`): it may be a file while stdout is a terminal. */
  noteColors: Colors
  /** Text as is (stdout): a generated file. */
  write(text: string): void
  /** A line of the command's result (stdout). */
  line(text?: string): void
  /** The command's result as JSON (stdout), for scripts. */
  printJson(value: unknown): void
  /** A progress or diagnostic line (stderr), so it never mixes into piped results. */
  note(text: string): void
  /** Rows as an aligned, borderless table (stdout). */
  table(head: string[], rows: string[][]): void
}

export interface OutputStreams {
  stdout: NodeJS.WritableStream & { isTTY?: boolean }
  stderr: NodeJS.WritableStream & { isTTY?: boolean }
  env: NodeJS.ProcessEnv
}

/**
 * Colour only on a terminal, never with `NO_COLOR` set to anything (no-color.org), never on
 * `TERM=dumb`, never with `--no-color`. `FORCE_COLOR` is not honoured: test runners and CI
 * set it for their own output, and piped results must stay free of escape codes. Decided per
 * stream: `cronwarden deliver 2>>cronwarden.log` on a terminal keeps the log plain.
 */
export function colorEnabled(streams: OutputStreams, flag: boolean, stream: 'stdout' | 'stderr' = 'stdout'): boolean {
  const noColor = streams.env.NO_COLOR
  return flag && streams[stream].isTTY === true && !noColor && streams.env.TERM !== 'dumb'
}

export function createOutput(streams: OutputStreams, options: { json: boolean; color: boolean }): Output {
  const colors = createColors(colorEnabled(streams, options.color))
  return {
    json: options.json,
    colors,
    noteColors: createColors(colorEnabled(streams, options.color, 'stderr')),
    write: (text) => streams.stdout.write(text),
    line: (text = '') => streams.stdout.write(`${text}\n`),
    printJson: (value) => streams.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
    note: (text) => streams.stderr.write(`${text}\n`),
    table(head, rows) {
      const table = new Table({
        head: head.map((title) => colors.bold(title)),
        chars: BORDERLESS,
        style: { head: [], border: [], 'padding-left': 0, 'padding-right': 2 },
      })
      table.push(...rows)
      // cli-table3 pads every cell; trailing blanks are noise in a pipe.
      streams.stdout.write(`${table.toString().replace(/[ \t]+$/gm, '')}\n`)
    },
  }
}

const BORDERLESS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '',
}
