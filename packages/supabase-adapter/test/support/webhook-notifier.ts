import type { AlertEvent, Notifier, NotifyContext } from '@cronwarden/core'

export interface TestWebhookNotifierOptions {
  name?: string
  url: string
  /** Runs before the request is sent (a crash point: the entry is decided, nothing sent). */
  beforeSend?: () => void
  /** Runs once the channel accepted the event (a crash point: sent, not yet recorded). */
  afterAccepted?: () => void
}

/**
 * The smallest real HTTP notifier: POSTs the event as JSON and rejects on anything but 2xx.
 * Tests use it instead of a recording notifier so an alert counts only once a real server
 * has accepted it.
 */
export function createTestWebhookNotifier(options: TestWebhookNotifierOptions): Notifier {
  const name = options.name ?? 'webhook'
  return {
    name,
    async notify(event: AlertEvent, { signal }: NotifyContext) {
      options.beforeSend?.()
      const response = await fetch(options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(event),
        signal,
      })
      // Read the body so the connection is released, whatever the status.
      await response.arrayBuffer()
      if (!response.ok) throw new Error(`${name} answered ${response.status}`)
      options.afterAccepted?.()
    },
  }
}
