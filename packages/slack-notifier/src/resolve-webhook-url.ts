import { describeError, kindOf, redactError, untilAborted } from '@cronwarden/core/plugin'
import { SlackNotifierError } from './errors.js'
import { abortedError } from './send-errors.js'
import { redactAnyUrl } from './slack-redaction.js'

/** A webhook URL, or a function resolving it at each send (e.g. `vaultSecret(db, name)`). */
export type WebhookUrlSource = string | (() => Promise<string>)

/**
 * The URL for one send. Whatever a resolver throws or returns (a Proxy whose traps throw, a
 * Symbol, an Error whose `message` getter throws) ends as a `SlackNotifierError` that
 * quotes no URL: the resolver is user code, and its input or output is the secret.
 */
export function resolveWebhookUrl(
  source: WebhookUrlSource,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<string> {
  if (typeof source === 'string') return Promise.resolve(source)
  // The rejection handler sees only what the resolver threw, never our own timeout or abort
  // errors, so nothing has to inspect the thrown value to tell them apart.
  const resolving = Promise.resolve()
    .then(source)
    .then(webhookUrlFrom, (thrown: unknown) => {
      throw resolverFailure(thrown)
    })
  // A resolver that hangs (a stuck database) must not outlive the send's time budget.
  const deadline = AbortSignal.timeout(timeoutMs)
  return untilAborted(resolving, signal ? AbortSignal.any([signal, deadline]) : deadline, () =>
    signal?.aborted
      ? abortedError(signal, 0)
      : new SlackNotifierError(`The webhookUrl function did not settle within ${timeoutMs} ms (timeoutMs)`, {
          code: 'timeout',
        }),
  )
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:'
  } catch {
    return false
  }
}

function resolverFailure(thrown: unknown): SlackNotifierError {
  // The resolver's error (e.g. VaultSecretError) should name the secret, not its value;
  // any URL in it is hidden all the same, in the message and along the cause chain.
  return new SlackNotifierError(`Could not resolve the Slack webhook URL: ${redactAnyUrl(describeError(thrown))}`, {
    code: 'webhook_url',
    cause: redactError(thrown, redactAnyUrl),
  })
}

function webhookUrlFrom(value: unknown): string {
  if (typeof value === 'string' && isHttpUrl(value)) return value
  const what =
    typeof value === 'string' ? 'a string that is not an http(s) URL (value not shown)' : `${kindOf(value)}, not a URL`
  throw new SlackNotifierError(`The webhookUrl function resolved to ${what}`, { code: 'webhook_url' })
}
