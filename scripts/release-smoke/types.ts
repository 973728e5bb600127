// The type check of the release dry run: the published declarations, as an application sees
// them, under `moduleResolution` node16 (this file is ESM there) and bundler.
import { type CronwardenConfig, defineConfig } from '@cronwarden/cli'
import {
  type AlertEvent,
  createMemoryStore,
  type ExecutionLogStore,
  type JobContext,
  type Notifier,
  OptionsError,
  type RunRecord,
  type WithFailureAlertingOptions,
  withFailureAlerting,
} from '@cronwarden/core'
import { describeError, redactUrls } from '@cronwarden/core/plugin'
import {
  createRecordingNotifier,
  describeExecutionLogStoreContract,
  type RecordingNotifier,
} from '@cronwarden/core/testing'
import {
  createEmailNotifier,
  type EmailNotifierOptions,
  type FormattedEmail,
  formatEmail,
} from '@cronwarden/email-notifier'
import { createSlackNotifier, formatSlackMessage, type SlackMessage } from '@cronwarden/slack-notifier'
import {
  createSupabaseStore,
  type Database,
  listMigrations,
  type Migration,
  vaultSecret,
} from '@cronwarden/supabase-adapter'
import { createWebhookNotifier, type DiscordMessage, formatDiscordMessage } from '@cronwarden/webhook-notifier'

async function sendReminders(ctx: JobContext): Promise<number> {
  ctx.setSummary({ due: 12, sent: 12 })
  return ctx.jobName.length
}

const db: Database = { query: async () => ({ rows: [] }) }
const store: ExecutionLogStore = Math.random() > 2 ? createSupabaseStore({ db }) : createMemoryStore()
const recording: RecordingNotifier = createRecordingNotifier()
const emailOptions: EmailNotifierOptions = {
  transport: 'smtps://user:password@smtp.example.org:465',
  from: 'cron alerts <alerts@example.org>',
  to: ['ops@example.org'],
}
const notifiers: Notifier[] = [
  createSlackNotifier({ webhookUrl: vaultSecret(db, 'ops_slack_webhook_url') }),
  createWebhookNotifier({ format: 'discord', url: vaultSecret(db, 'ops_discord_webhook_url') }),
  createEmailNotifier(emailOptions),
  recording,
]
const options: WithFailureAlertingOptions = { jobName: 'assignment-follow-up-reminders', store, notifiers }
const run: () => Promise<number> = withFailureAlerting(sendReminders, options)

// @ts-expect-error a misspelled option is a type error too, not only a runtime one
withFailureAlerting(sendReminders, { ...options, failureTreshold: 3 })

export async function main(): Promise<void> {
  const sent: number = await run()
  const runs: RunRecord[] = await store.listRuns({ jobName: options.jobName })
  const event: AlertEvent | undefined = recording.events[0]
  if (event) {
    const slack: SlackMessage = formatSlackMessage(event)
    const mail: FormattedEmail = formatEmail(event)
    const discord: DiscordMessage = formatDiscordMessage(event)
    console.log(slack.text, mail.subject, discord.content)
  }
  const migrations: Migration[] = await listMigrations()
  const error = new OptionsError('options', [])
  console.log(sent, runs.length, migrations.length, redactUrls(describeError(error)))
  console.log(typeof describeExecutionLogStoreContract)
}

// A config file's export, typed as the CLI loads it.
export const config: CronwardenConfig = defineConfig({
  databaseUrl: 'postgres://localhost/app',
  notifiers,
  storeTimeoutMs: 5_000,
})
