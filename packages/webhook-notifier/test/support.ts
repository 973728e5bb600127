import { inspect } from 'node:util'
import type { NotifyContext } from '@cronwarden/core'
import { WebhookNotifierError } from '@cronwarden/webhook-notifier'
import { expect } from 'vitest'

/** A signal that never aborts, as core passes when nothing is late. */
export const context = (): NotifyContext => ({ signal: new AbortController().signal })

/** The error a send rejects with; anything but a WebhookNotifierError fails the test. */
export async function rejection(promise: Promise<unknown>): Promise<WebhookNotifierError> {
  const error = await promise.then(
    () => expect.fail('expected the send to fail'),
    (thrown: unknown) => thrown,
  )
  expect(error).toBeInstanceOf(WebhookNotifierError)
  return error as WebhookNotifierError
}

/** None of `secrets` anywhere a person or a log could read the error: message, causes, stack, JSON. */
export function expectNoSecret(error: unknown, ...secrets: string[]) {
  const renderings = [inspect(error, { depth: 10, showHidden: true }), JSON.stringify(error), String(error)]
  for (const rendering of renderings) {
    for (const secret of secrets) expect(rendering).not.toContain(secret)
  }
}
