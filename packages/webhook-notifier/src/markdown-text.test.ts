import { expect, it } from 'vitest'
import { cutMarker, escapeDiscord, escapeTeams, fitText } from './markdown-text.js'

it('escapes Discord markup and mentions so they show as written', () => {
  expect(escapeDiscord('**bold** __u__ ~~s~~ ||spoiler|| `code` [link](https://x)')).toBe(
    '\\*\\*bold\\*\\* \\_\\_u\\_\\_ \\~\\~s\\~\\~ \\|\\|spoiler\\|\\| \\`code\\` \\[link\\](https://x)',
  )
  expect(escapeDiscord('<@123> <@&456> <#789> <t:1795834800:R> @everyone @here')).toBe(
    '\\<\\@123> \\<\\@&456> \\<#789> \\<t:1795834800:R> \\@everyone \\@here',
  )
})

it('escapes block markup only at the start of a line', () => {
  expect(escapeDiscord('# title\n> quote\n- item\n  + item\n-# small\n12. item\n3) item')).toBe(
    '\\# title\n\\> quote\n\\- item\n  \\+ item\n\\-# small\n12\\. item\n3\\) item',
  )
  expect(escapeDiscord('a - b # c > d 1. e')).toBe('a - b # c > d 1. e')
  // Not a list item: a number with a decimal point, as durations are written.
  expect(escapeDiscord('5.0 s')).toBe('5.0 s')
})

it('escapes a backslash once, in the same pass', () => {
  expect(escapeDiscord('C:\\temp\\*')).toBe('C:\\\\temp\\\\\\*')
  expect(escapeTeams('\\- x')).toBe('\\\\- x')
})

it("escapes Adaptive Cards' markdown and date functions, leaving Discord-only characters", () => {
  expect(escapeTeams('**b** _i_ [l](u) {{DATE(2017-02-14T06:08:39Z, SHORT)}} @everyone ||x||')).toBe(
    '\\*\\*b\\*\\* \\_i\\_ \\[l\\](u) \\{\\{DATE(2017-02-14T06:08:39Z, SHORT)}} @everyone ||x||',
  )
  expect(escapeTeams('- a\n1. b')).toBe('\\- a\n1\\. b')
})

it('returns text that fits as it is, escaped', () => {
  expect(fitText('a*b', 4, escapeDiscord)).toBe('a\\*b')
})

it('cuts text so that its escaped form and the marker fit, between code points', () => {
  const fitted = fitText('****😀😀😀😀', 12, escapeDiscord)
  expect(fitted).toBe('\\*\\*\\*\\*😀…')
  expect(fitted.length).toBeLessThanOrEqual(12)
  expect(fitText('😀😀😀', 4, (text) => text)).toBe('😀…')
  expect(fitText('x'.repeat(100), 40, (text) => text, cutMarker)).toBe(`${'x'.repeat(13)}… [87 more characters cut]`)
  expect(fitText('x'.repeat(100), 40, escapeTeams, cutMarker)).toBe(`${'x'.repeat(11)}… \\[89 more characters cut\\]`)
})

it('never ends inside an escape', () => {
  for (let max = 1; max < 12; max++) {
    const fitted = fitText('*'.repeat(20), max, escapeDiscord)
    expect(fitted.length).toBeLessThanOrEqual(max)
    expect(fitted.replace('…', '')).toMatch(/^(\\\*)*$/)
  }
})

it('cuts ten million characters quickly', () => {
  const started = performance.now()
  expect(fitText('<'.repeat(10_000_000), 3_000, escapeDiscord).length).toBeLessThanOrEqual(3_000)
  expect(performance.now() - started).toBeLessThan(2_000)
})
