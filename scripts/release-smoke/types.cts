// The same declarations as a CommonJS file sees them under node16 (the `require` conditions).
import core = require('@cronwarden/core')
import plugin = require('@cronwarden/core/plugin')
import testing = require('@cronwarden/core/testing')
import email = require('@cronwarden/email-notifier')
import slack = require('@cronwarden/slack-notifier')
import supabase = require('@cronwarden/supabase-adapter')
import webhook = require('@cronwarden/webhook-notifier')

const db: supabase.Database = { query: async () => ({ rows: [] }) }
const recording: testing.RecordingNotifier = testing.createRecordingNotifier()
const notifiers: core.Notifier[] = [
  slack.createSlackNotifier({ webhookUrl: 'https://hooks.slack.com/services/T/B/X' }),
  webhook.createWebhookNotifier({ format: 'pagerduty', routingKey: async () => 'key' }),
  email.createEmailNotifier({ transport: 'smtps://smtp.example.org:465', from: 'a@example.org', to: 'b@example.org' }),
  recording,
]
const run: () => Promise<string> = core.withFailureAlerting(async (ctx: core.JobContext) => ctx.runId, {
  jobName: 'cjs-job',
  store: supabase.createSupabaseStore({ db }),
  notifiers,
})
export = { run, redact: plugin.redactUrls }
