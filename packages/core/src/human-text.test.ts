import { expect, it } from 'vitest'
import { counted, failureStreak, firstLine, formatDuration, utcTime } from './human-text.js'

it('writes a duration in its largest unit and the next one, leaving out a zero', () => {
  const cases: Array<[number, string]> = [
    [0, '0 ms'],
    [850, '850 ms'],
    [5_000, '5.0 s'],
    [12_345, '12.3 s'],
    [41_000, '41.0 s'],
    [59_999, '59.9 s'],
    [60_000, '1 min'],
    [245_000, '4 min 5 s'],
    [600_000, '10 min'],
    [7_380_000, '2 h 3 min'],
    [86_400_000, '1 d'],
    [90_000_000, '1 d 1 h'],
  ]
  expect(cases.map(([ms]) => formatDuration(ms))).toEqual(cases.map(([, text]) => text))
})

it('calls a duration that is not a finite, non-negative number unknown', () => {
  expect([-1, Number.NaN, Number.POSITIVE_INFINITY, '5' as unknown as number].map(formatDuration)).toEqual([
    'unknown',
    'unknown',
    'unknown',
    'unknown',
  ])
})

it('writes a timestamp in UTC with the zone spelled out, and other text as it is', () => {
  expect(utcTime('2026-11-28T04:00:00.123+01:00')).toBe('2026-11-28 03:00:00 UTC')
  expect(utcTime('yesterday')).toBe('yesterday')
})

it('writes a count with its noun, singular only for one', () => {
  expect([counted(1, 'attempt'), counted(0, 'attempt'), counted(3, 'entry', 'entries')]).toEqual([
    '1 attempt',
    '0 attempts',
    '3 entries',
  ])
})

it('words a streak with its count and threshold, singular or plural', () => {
  expect(failureStreak(3, 3)).toBe('3 failures in a row (threshold 3)')
  expect(failureStreak(1, 1)).toBe('1 failure in a row (threshold 1)')
})

it('keeps the first line of a text, saying when more follows, whatever the line break', () => {
  expect(firstLine('connect ECONNREFUSED')).toBe('connect ECONNREFUSED')
  for (const text of ['connect ECONNREFUSED\n    at stack', 'connect ECONNREFUSED\r\nat', 'connect ECONNREFUSED\rat']) {
    expect(firstLine(text)).toBe('connect ECONNREFUSED …')
    expect(firstLine(text, '')).toBe('connect ECONNREFUSED')
  }
})
