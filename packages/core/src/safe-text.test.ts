import { describe, expect, it } from 'vitest'
import * as text from './safe-text.js'

describe('safe text', () => {
  it('replaces NUL and lone surrogates, keeping whole surrogate pairs', () => {
    expect(text.cleanText('a\u0000b \uD83D c \uDE00 😀')).toBe('a\uFFFDb \uFFFD c \uFFFD 😀')
  })

  it('cleans every string and key of a JSON value', () => {
    expect(JSON.parse(text.cleanJson({ 'k\uD800': ['v\u0000'], n: 1 }))).toEqual({ 'k\uFFFD': ['v\uFFFD'], n: 1 })
  })

  it('leaves text within the limit as it is and clips longer text to the limit with a marker', () => {
    expect(text.clipText('short', 10)).toBe('short')
    const clipped = text.clipText('a'.repeat(100), 40)
    expect(clipped).toBe(`${'a'.repeat(13)} [truncated 87 characters]`)
    expect(clipped.length).toBeLessThanOrEqual(40)
  })

  it('never leaves the first half of a surrogate pair at the cut', () => {
    for (let max = 27; max < 40; max++) {
      const clipped = text.clipText('😀'.repeat(50), max)
      expect(clipped).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/)
      expect(clipped.length).toBeLessThanOrEqual(max)
    }
  })

  it('cuts a prefix between code points, and clips with a marker of the caller', () => {
    expect(text.codePointPrefix('ab😀', 3)).toBe('ab')
    expect(text.codePointPrefix('ab😀', 4)).toBe('ab😀')
    expect(text.clipText('abcdefghij', 5, () => '…')).toBe('abcd…')
  })

  it('shows every string field of an event as display text, leaving other fields alone', () => {
    expect(text.displayFields({ job_name: 'a\u202Eb', error_message: 'x\uD800', count: 2, at: null })).toEqual({
      job_name: 'a\uFFFDb',
      error_message: 'x\uFFFD',
      count: 2,
      at: null,
    })
  })

  it('neutralises bidirectional controls so text reads as stored', () => {
    expect(text.neutralizeBidi('invoice\u202Efdp.exe \u2066x\u2069 \u200F')).toBe(
      'invoice\uFFFDfdp.exe \uFFFDx\uFFFD \uFFFD',
    )
    expect(text.displayText('line\nnext \u202E \uD800')).toBe('line\nnext \uFFFD \uFFFD')
  })

  it('makes one line of text, line breaks and other controls becoming one space', () => {
    expect(text.singleLine('Subject\r\nBcc: x@example.org\u2028\ttail')).toBe('Subject Bcc: x@example.org tail')
  })

  it('tells names with control or bidi characters apart, and refuses them as job names', () => {
    expect(text.hasControlCharacters('reminders-daily')).toBe(false)
    expect(text.hasControlCharacters('émoji 😀 ok')).toBe(false)
    for (const bad of ['a\u0000b', 'a\r\nb', 'tab\there', 'del\u007f', 'c1\u0085', 'rtl\u202E']) {
      expect(text.hasControlCharacters(bad)).toBe(true)
      expect(() => text.checkJobName(bad)).toThrow('jobName: expected a job name without control or bidi characters')
    }
  })

  it('turns backticks into a look-alike, so text cannot leave a code block', () => {
    expect(text.neutralizeBackticks('```js\n`x`')).toBe('ˋˋˋjs\nˋxˋ')
  })
})
