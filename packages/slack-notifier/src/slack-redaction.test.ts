import { inspect } from 'node:util'
import { expect, it } from 'vitest'
import { createRedactor, redactAnyUrl, redactError } from './redact.js'

const url = 'https://hooks.slack.com/services/T0/B0/abcSECRET'

it('redacts the URL, its path alone, and any other Slack webhook path', () => {
  const redact = createRedactor(url)
  expect(redact(`Failed to parse URL from ${url}`)).toBe('Failed to parse URL from [webhook URL]')
  expect(redact('POST /services/T0/B0/abcSECRET failed')).toBe('POST [webhook URL] failed')
  expect(redact('see hooks.slack.com/services/T9/B9/otherSECRET')).toBe('see hooks.slack.com/services/[redacted]')
})

it('copies an error chain with redacted messages and no original stack', () => {
  const inner = Object.assign(new Error(`connect to ${url} refused`), { code: 'ECONNREFUSED' })
  const outer = new TypeError(`fetch ${url} failed`, { cause: inner })
  const copy = redactError(outer, createRedactor(url))
  expect(copy).toMatchObject({ name: 'TypeError', message: 'fetch [webhook URL] failed' })
  expect(copy?.cause).toMatchObject({ message: 'connect to [webhook URL] refused', code: 'ECONNREFUSED' })
  expect(inspect(copy, { depth: 10 })).not.toContain('abcSECRET')
})

it('hides every URL when the webhook URL is not known yet', () => {
  expect(redactAnyUrl('vault read failed for https://hooks.slack.com/services/T0/B0/s3cr3t and smtp://u:p@host')).toBe(
    'vault read failed for [URL] and [URL]',
  )
})
