import type { AlertEvent } from '@cronwarden/core'
import { describeError, kindOf, readSafely, redactError } from '@cronwarden/core/plugin'
import { formatDiscordMessage } from './discord-message.js'
import { WebhookNotifierError } from './errors.js'
import { checkHeaders, type HeaderRecord } from './headers.js'
import type { ParsedOptions, WebhookFormatFunction } from './options.js'
import { formatPagerDutyEvent } from './pagerduty-event.js'
import type { SendBudget } from './send-budget.js'
import { formatTeamsMessage } from './teams-message.js'

/** The body to post, its content type, and the headers a `format` function added. */
export interface RequestBody {
  body: string
  contentType: string
  /** Sent over the `headers` option; empty for the built-in formats. */
  headers: HeaderRecord
}

const JSON_TYPE = 'application/json'

/** The body for one event in the chosen format. */
export function buildRequest(
  event: AlertEvent,
  options: ParsedOptions,
  routingKey: string | undefined,
  budget: SendBudget,
  redact: (text: string) => string,
): Promise<RequestBody> {
  const { format } = options
  if (typeof format === 'function') return callFormat(format, event, budget, redact)
  const payload =
    format === 'discord'
      ? formatDiscordMessage(event)
      : format === 'teams'
        ? formatTeamsMessage(event)
        : format === 'pagerduty'
          ? formatPagerDutyEvent(event, {
              routingKey: routingKey ?? '',
              severity: options.severity,
              source: options.source,
            })
          : event
  return Promise.resolve({ body: JSON.stringify(payload), contentType: JSON_TYPE, headers: {} })
}

/**
 * A `format` function is user code: whatever it throws or returns (a Proxy, a BigInt body, a
 * header with a line break) ends as a `format` error with every secret redacted, and one that
 * hangs ends with the send's time budget.
 */
function callFormat(
  format: WebhookFormatFunction,
  event: AlertEvent,
  budget: SendBudget,
  redact: (text: string) => string,
): Promise<RequestBody> {
  const building = Promise.resolve()
    .then(() => format(event))
    .then(
      (result) => requestFrom(result, redact),
      (thrown: unknown) => {
        throw new WebhookNotifierError(`The format function threw: ${redact(describeError(thrown))}`, {
          code: 'format',
          cause: redactError(thrown, redact),
        })
      },
    )
  return budget.within(building)
}

function requestFrom(result: unknown, redact: (text: string) => string): RequestBody {
  const fail = (problem: string, cause?: unknown) =>
    new WebhookNotifierError(`The format function returned ${problem}`, {
      code: 'format',
      cause: cause === undefined ? undefined : redactError(cause, redact),
    })
  if (typeof result !== 'object' || result === null) throw fail(`${kindOf(result)}, not { body, headers }`)
  const unread = Symbol('unread')
  const body: unknown = readSafely(() => (result as { body?: unknown }).body, unread)
  const headers: unknown = readSafely(() => (result as { headers?: unknown }).headers, unread)
  if (body === unread || headers === unread) throw fail('an object whose properties cannot be read')
  let checkedHeaders: HeaderRecord = {}
  if (headers !== undefined) {
    const checked = checkHeaders(headers)
    if ('problem' in checked) throw fail(`headers that cannot be sent: ${checked.problem}`)
    checkedHeaders = checked.headers
  }
  if (typeof body === 'string') {
    return { body, contentType: 'text/plain; charset=utf-8', headers: checkedHeaders }
  }
  if (body === undefined) throw fail('no body')
  let json: string | undefined
  try {
    json = JSON.stringify(body)
  } catch (error) {
    throw fail(`a body that is not JSON: ${redact(describeError(error))}`, error)
  }
  if (json === undefined) throw fail(`a body that is not JSON (${kindOf(body)})`)
  return { body: json, contentType: JSON_TYPE, headers: checkedHeaders }
}
