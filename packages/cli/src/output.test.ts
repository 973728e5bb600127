import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { colorEnabled, createOutput } from './output.js'

function sink(isTTY: boolean): Writable & { isTTY: boolean; text: () => string } {
  const chunks: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk))
      done()
    },
  })
  return Object.assign(stream, { isTTY, text: () => chunks.join('') })
}

const ESCAPE = '\u001b['

describe('colour', () => {
  it('is on for a terminal with no opt-out', () => {
    expect(colorEnabled({ stdout: sink(true), stderr: sink(true), env: {} }, true)).toBe(true)
  })

  it.each([
    ['a pipe', false, {}, true],
    ['NO_COLOR=1', true, { NO_COLOR: '1' }, true],
    ['TERM=dumb', true, { TERM: 'dumb' }, true],
    ['--no-color', true, {}, false],
    ['FORCE_COLOR=1 on a pipe', false, { FORCE_COLOR: '1' }, true],
  ] as const)('is off for %s', (_case, isTTY, env, flag) => {
    expect(colorEnabled({ stdout: sink(isTTY), stderr: sink(isTTY), env }, flag)).toBe(false)
  })

  it('is on for an empty NO_COLOR, which no-color.org says to ignore', () => {
    expect(colorEnabled({ stdout: sink(true), stderr: sink(true), env: { NO_COLOR: '' } }, true)).toBe(true)
  })

  it('paints tables and lines only when on', () => {
    for (const isTTY of [true, false]) {
      const stdout = sink(isTTY)
      const out = createOutput({ stdout, stderr: sink(isTTY), env: {} }, { json: false, color: true })
      out.table(['JOB', 'STATUS'], [['nightly', out.colors.red('down')]])
      out.line(out.colors.green('ok'))
      expect(stdout.text().includes(ESCAPE)).toBe(isTTY)
    }
  })
})

describe('output', () => {
  it('keeps results on stdout and notes on stderr', () => {
    const stdout = sink(false)
    const stderr = sink(false)
    const out = createOutput({ stdout, stderr, env: {} }, { json: true, color: true })
    out.note('applying 0001_execution_log.sql (2/5)…')
    out.printJson({ applied: [1] })
    expect(JSON.parse(stdout.text())).toEqual({ applied: [1] })
    expect(stderr.text()).toBe('applying 0001_execution_log.sql (2/5)…\n')
  })

  it('aligns table columns with no trailing blanks', () => {
    const stdout = sink(false)
    const out = createOutput({ stdout, stderr: sink(false), env: {} }, { json: false, color: false })
    out.table(
      ['JOB', 'STRIP'],
      [
        ['a', '✓✓✗'],
        ['a-longer-name', '✓'],
      ],
    )
    const lines = stdout.text().trimEnd().split('\n')
    expect(lines).toHaveLength(3)
    expect(lines.every((line) => line === line.trimEnd())).toBe(true)
    const column = (line: string) => line.search(/[✓S]/)
    expect(new Set(lines.map(column)).size).toBe(1)
  })
})
