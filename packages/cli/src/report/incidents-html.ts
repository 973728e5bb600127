import { durationOrDash, timeOrDash } from '../format.js'
import { renderAlertEntry, renderErrorText } from './alerts-html.js'
import { html, type SafeHtml } from './escape-html.js'
import type { Incident } from './incidents.js'

/** The incidents of one job, newest first (the one a reader looks for is the latest). */
export function renderIncidents(incidents: readonly Incident[], now: string): SafeHtml {
  return html`<div class="scroll"><table class="incidents">
<thead><tr><th>Down since</th><th>Recovered</th><th>Lasted</th><th>Failures</th><th>First error</th><th>Alerts</th></tr></thead>
<tbody>${[...incidents].reverse().map((incident) => renderIncident(incident, now))}</tbody>
</table></div>`
}

function renderIncident(incident: Incident, now: string): SafeHtml {
  const from = Date.parse(incident.downSince)
  const lasted =
    incident.recoveredAt === null
      ? `${durationOrDash(Math.max(0, Date.parse(now) - from))} so far`
      : durationOrDash(Date.parse(incident.recoveredAt) - from)
  const first = incident.failures[0]
  return html`<tr>
<td>${incident.beganEarlier ? 'before ' : ''}${timeOrDash(incident.downSince)}</td>
<td>${incident.recoveredAt === null ? html`<span class="pill down">still down</span>` : timeOrDash(incident.recoveredAt)}</td>
<td>${incident.beganEarlier ? 'over ' : ''}${lasted}</td>
<td>${incident.failures.length}${incident.beganEarlier ? ' (and earlier ones)' : ''}</td>
<td>${first === undefined ? '' : renderErrorText(first.error_message)}</td>
<td>${incident.alerts.length === 0 ? html`<span class="note">none</span>` : incident.alerts.map(renderAlertEntry)}</td>
</tr>`
}
