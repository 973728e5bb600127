import type { AlertRecord, NotifierDeliveryState } from '@cronwarden/core'
import { cellText, timeOrDash } from '../format.js'
import { html, type SafeHtml } from './escape-html.js'

/**
 * An error as one line, with the whole text behind a disclosure when there is more (error
 * messages run to 8,000 characters and several lines; the table stays readable).
 */
export function renderErrorText(message: string | null, max = 140): SafeHtml {
  if (message === null) return html``
  const line = cellText(message, max)
  if (line === message) return html`<span class="error">${message}</span>`
  return html`<details><summary class="error">${line}</summary><pre class="error">${message}</pre></details>`
}

/** One alert entry: its event, where it stands, and each notifier's state. */
export function renderAlertEntry(alert: AlertRecord): SafeHtml {
  return html`<div class="entry">
<div><span class="event">${alert.event_type ?? 'not decided yet'}</span> <span class="pill ${alert.status}">${alert.status}</span>
<span class="note">written ${timeOrDash(alert.created_at)}${alert.status === 'pending' ? `, expires ${timeOrDash(alert.expires_at)}` : ''}</span></div>
<ul class="notifiers">${alert.notifiers.map(renderNotifierState)}</ul>
</div>`
}

function renderNotifierState(state: NotifierDeliveryState): SafeHtml {
  // Muted: recorded with its event on purpose, never tried; "0 attempts" would read as a fault.
  const attempts =
    state.status === 'muted'
      ? 'not sent: the job was muted'
      : state.attempts === 1
        ? '1 attempt'
        : `${state.attempts} attempts`
  const next =
    (state.status === 'pending' || state.status === 'failed') && state.next_attempt_at !== null
      ? `, next try ${timeOrDash(state.next_attempt_at)}`
      : ''
  return html`<li><span class="pill ${state.status}">${state.status}</span> <b>${state.notifier}</b>
<span class="note">${attempts}${next}</span> ${state.last_error === null ? '' : renderErrorText(state.last_error, 120)}</li>
`
}

/** Alerts outside any incident (a long run, a missed time) as a table. */
export function renderOtherAlerts(alerts: readonly AlertRecord[]): SafeHtml {
  return html`<div class="scroll"><table class="alerts">
<thead><tr><th>Written</th><th>Run</th><th>Alert</th></tr></thead>
<tbody>${alerts.map(
    (alert) =>
      html`<tr><td>${timeOrDash(alert.created_at)}</td><td class="error">${alert.run_id}</td><td>${renderAlertEntry(alert)}</td></tr>`,
  )}</tbody>
</table></div>`
}
