import { OptionsError } from '@cronwarden/core'
import { expect, it } from 'vitest'
import type { WebhookNotifierOptions } from './options.js'
import { createWebhookNotifier } from './webhook-notifier.js'

/** The issues of the OptionsError these options throw, as `path: message` lines. */
function issues(options: unknown): string[] {
  try {
    createWebhookNotifier(options as WebhookNotifierOptions)
  } catch (error) {
    expect(error).toBeInstanceOf(OptionsError)
    return (error as OptionsError).issues.map((issue) => `${issue.path}: ${issue.message}`)
  }
  return expect.fail('expected an OptionsError')
}

const url = 'https://example.org/hooks/alerts'

it('refuses an unknown option and names the one meant', () => {
  expect(issues({ url, timeout: 1_000 })).toEqual(['timeout: unknown option (did you mean "timeoutMs"?)'])
  expect(issues({ url, fromat: 'discord' })).toEqual(['fromat: unknown option (did you mean "format"?)'])
})

it('requires a url, except for PagerDuty, and a routing key for PagerDuty only', () => {
  expect(issues({ format: 'discord' })).toEqual(['url: required (only PagerDuty has a default URL)'])
  expect(issues({ format: 'pagerduty' })).toEqual(["routingKey: required with format 'pagerduty'"])
  expect(issues({ url, routingKey: 'key', severity: { missed_run: 'info' }, source: 'x' })).toEqual([
    "routingKey: only used with format 'pagerduty'",
    "severity: only used with format 'pagerduty'",
    "source: only used with format 'pagerduty'",
  ])
})

it('checks the format, the severities and the durations', () => {
  expect(issues({ url, format: 'slack' })).toEqual([
    "format: expected one of 'json', 'discord', 'teams', 'pagerduty', or a function returning { body, headers }",
  ])
  expect(issues({ format: 'pagerduty', routingKey: 'k', severity: { missed_run: 'fatal' } })[0]).toMatch(
    /^severity\.missed_run: /,
  )
  expect(issues({ format: 'pagerduty', routingKey: 'k', severity: { sometimes: 'info' } })[0]).toMatch(/^severity/)
  expect(issues({ url, timeoutMs: 0, maxRetries: 11, retryDelayMs: -1 }).map((line) => line.split(':')[0])).toEqual([
    'timeoutMs',
    'maxRetries',
    'retryDelayMs',
  ])
})

it('refuses urls fetch cannot send to, without quoting them', () => {
  for (const bad of ['not a url', 'ftp://example.org/x', 'https://user:pass@example.org/x', 42]) {
    expect(issues({ url: bad })).toEqual([
      'url: expected an http(s) URL without user:password@, or a function returning one (value not shown)',
    ])
  }
})

it('names the header that cannot be sent, never its value', () => {
  expect(issues({ url, headers: { 'x-key': 'abc\r\nx-injected: 1' } })).toEqual([
    'headers: expected header names and string values, or a function returning them: the value of "x-key" has a line break, NUL or a character above U+00FF (value not shown)',
  ])
  expect(issues({ url, headers: { 'bad name': 'v' } })[0]).toContain('"bad name" is not a valid header name')
  expect(issues({ url, headers: new Headers({ a: 'b' }) })[0]).toContain('not a plain object')
})

it('accepts every format with its defaults', () => {
  for (const format of ['json', 'discord', 'teams', () => ({ body: '' })] as const) {
    expect(() => createWebhookNotifier({ url, format })).not.toThrow()
  }
  expect(() => createWebhookNotifier({ format: 'pagerduty', routingKey: async () => 'k' })).not.toThrow()
})
