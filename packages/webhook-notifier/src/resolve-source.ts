import { describeError, redactError, redactUrls } from '@cronwarden/core/plugin'
import { WebhookNotifierError } from './errors.js'
import type { SendBudget } from './send-budget.js'

/**
 * A value given as is, or a function returning it (or a promise of it), called at each send:
 * a secret read from Vault or a secrets manager, so a rotated one is used without a restart.
 */
export type Resolvable<T> = T | (() => T | Promise<T>)

/** Which option is resolved, for the error code and the messages. */
export interface SourceOption<T> {
  /** The option's name as the user wrote it: `url`, `headers`, `routingKey`. */
  option: string
  code: 'url' | 'headers' | 'routing_key'
  /** The value to send, or a description of what is wrong with it (never quoting it). */
  check: (value: unknown) => { value: T } | { problem: string }
}

/**
 * The value of one option for one send. Whatever a resolver throws or returns (a Proxy whose
 * traps throw, a Symbol, an Error whose `message` getter throws) ends as a
 * `WebhookNotifierError` that quotes no value and no URL: the resolver is user code, and its
 * input or output is the secret. A resolver that hangs ends with the send's time budget.
 */
export function resolveSource<T>(source: Resolvable<T>, what: SourceOption<T>, budget: SendBudget): Promise<T> {
  // The rejection handler sees only what the resolver threw, never our own errors. A value
  // given as is passed the same check when the options were parsed.
  const resolving = Promise.resolve()
    .then(() => (typeof source === 'function' ? (source as () => unknown)() : source))
    .then(
      (value) => {
        const checked = what.check(value)
        if ('value' in checked) return checked.value
        throw new WebhookNotifierError(`The ${what.option} function resolved to ${checked.problem}`, {
          code: what.code,
        })
      },
      (thrown: unknown) => {
        // The resolver's error (e.g. VaultSecretError) should name the secret, not its value;
        // any URL in it is hidden all the same, in the message and along the cause chain.
        throw new WebhookNotifierError(`Could not resolve ${what.option}: ${redactUrls(describeError(thrown))}`, {
          code: what.code,
          cause: redactError(thrown, redactUrls),
        })
      },
    )
  return budget.within(resolving)
}
