import { expect, it } from 'vitest'
import { createWebhookRedactor, redactAnyUrl } from './slack-redaction.js'

const url = 'https://hooks.slack.com/services/T0/B0/abcSECRET'

it('redacts the webhook URL, its path alone and its URL-encoded form', () => {
  const redact = createWebhookRedactor(url)
  expect(redact(`Failed to parse URL from ${url}`)).toBe('Failed to parse URL from [webhook URL]')
  expect(redact('POST /services/T0/B0/abcSECRET failed')).toBe('POST [webhook URL] failed')
  expect(redact(`next=${encodeURIComponent(url)}`)).toBe('next=[webhook URL]')
})

it('redacts any other Slack webhook path, such as the one before a rotation', () => {
  const redact = createWebhookRedactor(url)
  expect(redact('see hooks.slack.com/services/T9/B9/otherSECRET')).toBe('see hooks.slack.com/services/[redacted]')
  expect(redact('workflow hooks.slack.com/triggers/T1/2/xyz')).toBe('workflow hooks.slack.com/triggers/[redacted]')
})

it('hides every URL, and any Slack webhook path, when the webhook URL is not known yet', () => {
  expect(redactAnyUrl('vault read failed for https://hooks.slack.com/services/T0/B0/s3cr3t and smtp://u:p@host')).toBe(
    'vault read failed for [URL] and [URL]',
  )
  expect(redactAnyUrl('no scheme: hooks.slack.com/services/T0/B0/s3cr3t')).toBe(
    'no scheme: hooks.slack.com/services/[redacted]',
  )
})
