/** The exact JSON Slack receives for the events in `events.ts`, written out by hand. */
const date = (seconds: number, utc: string) => `<!date^${seconds}^{date_short_pretty} at {time_secs}|${utc} UTC>`

export const failuresPayload = {
  text: '🔴 assignment-reminders failed 2 times in a row: connect ECONNREFUSED 10.0.0.5:5432',
  blocks: [
    {
      type: 'header',
      text: { type: 'plain_text', text: '🔴 assignment-reminders failed 2 times in a row', emoji: true },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: '*Error*\n```connect ECONNREFUSED 10.0.0.5:5432```' },
      fields: [
        { type: 'mrkdwn', text: '*Failures in a row*\n2 (alert threshold 2)' },
        { type: 'mrkdwn', text: '*Duration*\n5.0 s' },
        { type: 'mrkdwn', text: `*Started*\n${date(1795834800, '2026-11-28 03:00:00')}` },
        { type: 'mrkdwn', text: `*Failing since*\n${date(1795748400, '2026-11-27 03:00:00')}` },
        { type: 'mrkdwn', text: '*Run id*\n`run-2`' },
      ],
    },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Last successful run: ${date(1795662004, '2026-11-26 03:00:04')}` }],
    },
  ],
}

export const longRunningPayload = {
  text: '🟠 assignment-reminders is still running after 30 min (limit 30 min)',
  blocks: [
    {
      type: 'header',
      text: { type: 'plain_text', text: '🟠 assignment-reminders is still running after 30 min', emoji: true },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: 'This run passed its time limit of *30 min* and has not finished yet.' },
      fields: [
        { type: 'mrkdwn', text: `*Started*\n${date(1795834800, '2026-11-28 03:00:00')}` },
        { type: 'mrkdwn', text: '*Running for*\n30 min' },
        { type: 'mrkdwn', text: '*Time limit*\n30 min' },
        { type: 'mrkdwn', text: '*Run id*\n`run-3`' },
      ],
    },
    { type: 'context', elements: [{ type: 'mrkdwn', text: 'Last successful run: *never*' }] },
  ],
}

export const recoveredPayload = {
  text: '🟢 assignment-reminders recovered after 3 consecutive failures',
  blocks: [
    { type: 'header', text: { type: 'plain_text', text: '🟢 assignment-reminders recovered', emoji: true } },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: 'The job succeeded again after *3 consecutive failures*.' },
      fields: [
        { type: 'mrkdwn', text: `*Failing since*\n${date(1795748400, '2026-11-27 03:00:00')}` },
        { type: 'mrkdwn', text: `*Recovered at*\n${date(1795921203, '2026-11-29 03:00:03')}` },
        { type: 'mrkdwn', text: '*Down for*\n2 d' },
        { type: 'mrkdwn', text: '*Run id*\n`run-4`' },
      ],
    },
  ],
}

export const missedRunPayload = {
  text: '🟡 assignment-reminders missed its scheduled run at 2026-11-30 03:00:00 UTC: 1 failure in a row (threshold 1)',
  blocks: [
    {
      type: 'header',
      text: { type: 'plain_text', text: '🟡 assignment-reminders missed its scheduled run', emoji: true },
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `No run started for ${date(1796007600, '2026-11-30 03:00:00')}, nor within the grace period of *10 min* after it: *1 failure in a row (threshold 1)*.`,
      },
      fields: [
        { type: 'mrkdwn', text: '*Failures in a row*\n1 (alert threshold 1)' },
        { type: 'mrkdwn', text: '*Schedule*\n`0 3 * * *`' },
        { type: 'mrkdwn', text: '*Time zone*\n`Europe/Paris`' },
        { type: 'mrkdwn', text: `*Expected at*\n${date(1796007600, '2026-11-30 03:00:00')}` },
        { type: 'mrkdwn', text: '*Grace period*\n10 min' },
        { type: 'mrkdwn', text: `*Last run*\n${date(1795921200, '2026-11-29 03:00:00')}` },
        { type: 'mrkdwn', text: `*Failing since*\n${date(1796007600, '2026-11-30 03:00:00')}` },
      ],
    },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Last successful run: ${date(1795921203, '2026-11-29 03:00:03')}` }],
    },
  ],
}

export const stillFailingPayload = {
  text: '🔴 assignment-reminders still failing: 3 in a row since 2026-11-27 03:00:00 UTC (1 d 12 h): connect ECONNREFUSED 10.0.0.5:5432',
  blocks: [
    {
      type: 'header',
      text: { type: 'plain_text', text: '🔴 assignment-reminders still failing (3 in a row)', emoji: true },
    },
    {
      type: 'section',
      text: { type: 'mrkdwn', text: '*Latest error*\n```connect ECONNREFUSED 10.0.0.5:5432```' },
      fields: [
        { type: 'mrkdwn', text: '*Failures in a row*\n3 (alert threshold 2)' },
        { type: 'mrkdwn', text: `*Failing since*\n${date(1795748400, '2026-11-27 03:00:00')}` },
        { type: 'mrkdwn', text: '*Down for*\n1 d 12 h' },
        { type: 'mrkdwn', text: '*Reminder every*\n6 h' },
        { type: 'mrkdwn', text: '*Run id*\n`run-5`' },
      ],
    },
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: `Last successful run: ${date(1795662004, '2026-11-26 03:00:04')}` }],
    },
  ],
}
