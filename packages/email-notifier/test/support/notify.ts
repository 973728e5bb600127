import type { AlertEvent } from '@cronwarden/core'
import { createEmailNotifier, EmailNotifierError, type EmailNotifierOptions } from '@cronwarden/email-notifier'
import { expect } from 'vitest'
import { failuresEvent } from '../../../../test-support/sample-events.js'

/** One send through a fresh notifier, as core would call it. */
export function notify(
  options: EmailNotifierOptions,
  event: AlertEvent = failuresEvent,
  signal: AbortSignal = new AbortController().signal,
): Promise<void> {
  return createEmailNotifier(options).notify(event, { signal })
}

/** The error a send rejected with; a resolved send or any other error fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<EmailNotifierError> {
  const error = await promise.then(
    () => expect.fail('expected the send to fail'),
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(EmailNotifierError)
  return error as EmailNotifierError
}
