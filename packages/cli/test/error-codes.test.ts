import * as core from '@cronwarden/core'
import { type CronwardenError, isCronwardenError } from '@cronwarden/core'
import * as email from '@cronwarden/email-notifier'
import { EmailNotifierError, SmtpError } from '@cronwarden/email-notifier'
import * as slack from '@cronwarden/slack-notifier'
import { SlackNotifierError } from '@cronwarden/slack-notifier'
import * as adapter from '@cronwarden/supabase-adapter'
import { MigrationError, VaultSecretError } from '@cronwarden/supabase-adapter'
import { describe, expect, it } from 'vitest'
// By path: the CLI does not depend on the webhook notifier, and this test wants every package.
import * as webhook from '../../webhook-notifier/src/index.js'
import { WebhookNotifierError } from '../../webhook-notifier/src/index.js'
import { UsageError } from '../src/errors.js'

// One of each error class every package defines, the CLI's own included. A new class joins here.
const errors: CronwardenError[] = [
  new core.CronwardenError('base'),
  new core.OptionsError('options', []),
  new core.RunSkippedError('nightly', 'run-2', 'run-1'),
  new core.NotifyTimeoutError('slack', 5000),
  new core.LeaseLostError('run-1'),
  new core.StoreError('beginRun', { cause: new Error('refused') }),
  new core.StoreTimeoutError('beginRun', 5000),
  new core.DeliveryError('delivery failed'),
  new EmailNotifierError('not sent', {
    notifierName: 'email',
    stage: 'auth',
    code: 'EAUTH',
    responseCode: 535,
    rejectedRecipients: [],
  }),
  new SmtpError('auth failed', { code: 'EAUTH', responseCode: 535, command: 'AUTH PLAIN', response: null }),
  new SlackNotifierError('not sent', { code: 'http_error', status: 500 }),
  new WebhookNotifierError('not sent', { code: 'timeout' }),
  new VaultSecretError('smtp_password', 'is missing'),
  new MigrationError(1, '0001_execution_log.sql', { cause: new Error('syntax error') }),
  new UsageError('unknown flag'),
]

describe('every package’s errors', () => {
  it.each(errors.map((error) => [error.name, error] as const))(
    '%s is a CronwardenError with a code of the documented scheme',
    (name, error) => {
      expect(error).toBeInstanceOf(core.CronwardenError)
      expect(isCronwardenError(error)).toBe(true)
      const words = name.replace(/Error$/, '').replace(/^Cronwarden$/, '')
      expect(error.errorCode).toBe(
        ['ERR_CRONWARDEN', ...words.split(/(?=[A-Z])/).filter(Boolean)].join('_').toUpperCase(),
      )
    },
  )

  it('lists every error class the packages export', () => {
    const exported = [core, email, slack, adapter, webhook].flatMap((entry) =>
      Object.values(entry).filter((value) => typeof value === 'function' && value.prototype instanceof Error),
    )
    expect(exported.length).toBeGreaterThan(0)
    for (const errorClass of exported) {
      expect(
        errors.map((error) => error.constructor),
        (errorClass as { name: string }).name,
      ).toContain(errorClass)
    }
  })

  it('no two error classes share a name or a code', () => {
    expect(new Set(errors.map((error) => error.constructor)).size).toBe(errors.length)
    expect(new Set(errors.map((error) => error.name)).size).toBe(errors.length)
    expect(new Set(errors.map((error) => error.errorCode)).size).toBe(errors.length)
  })

  it('keeps the fields that were already public: SmtpError and the notifiers’ own `code`', () => {
    const smtp = errors.find((error) => error instanceof SmtpError)
    expect(smtp).toMatchObject({ name: 'SmtpError', message: 'auth failed', code: 'EAUTH', responseCode: 535 })
    expect(errors.find((error) => error instanceof SlackNotifierError)).toMatchObject({ code: 'http_error' })
    expect(errors.find((error) => error instanceof WebhookNotifierError)).toMatchObject({ code: 'timeout' })
  })
})
