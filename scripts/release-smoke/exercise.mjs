// What every runtime checks on the installed tarballs. The packages come in as arguments, so
// the ESM program (import) and the CJS program (require) run the same checks.
import { createServer } from 'node:http'

const JOB = 'release-dry-run'
const SECRET_PATH = '/services/T000/B000/smoke-secret'

function check(condition, what) {
  if (!condition) throw new Error(`check failed: ${what}`)
}

export function runtimeName() {
  if (globalThis.Deno) return `deno ${globalThis.Deno.version.deno}`
  if (process.versions.bun) return `bun ${process.versions.bun}`
  return `node ${process.version}`
}

/**
 * `entryFiles` maps each specifier to the file it resolved to (null where the runtime cannot
 * say, e.g. in a bundle), so a program that asked for the ESM build did not get the CJS one.
 */
function checkEntryFiles(entryFiles, extension) {
  for (const [specifier, file] of Object.entries(entryFiles)) {
    if (file === null) continue
    check(
      String(file).endsWith(`index${extension}`),
      `${specifier} resolves to a dist/**/index${extension} (got ${file})`,
    )
  }
}

/** A local stand-in for Slack's incoming webhook: records each POST and answers 200 ok. */
async function startWebhook() {
  const posts = []
  const server = createServer((request, response) => {
    let body = ''
    request.setEncoding('utf8')
    request.on('data', (chunk) => {
      body += chunk
    })
    request.on('end', () => {
      posts.push({ path: request.url, body })
      response.writeHead(200, { 'content-type': 'text/plain' })
      response.end('ok')
    })
  })
  await new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', resolve)
  })
  const close = () =>
    new Promise((resolve) => {
      server.closeAllConnections?.()
      server.close(() => resolve())
    })
  return { url: `http://127.0.0.1:${server.address().port}${SECRET_PATH}`, posts, close }
}

export async function exercise({ core, plugin, testing, supabase, slack, email, cli }, { extension, entryFiles }) {
  checkEntryFiles(entryFiles, extension)
  const config = { notifiers: [] }
  check(cli.defineConfig(config) === config, "the CLI's defineConfig returns the config it was given")
  const webhook = await startWebhook()
  try {
    const mails = []
    const recording = testing.createRecordingNotifier()
    const notifiers = [
      slack.createSlackNotifier({ webhookUrl: webhook.url, timeoutMs: 10_000 }),
      email.createEmailNotifier({
        transport: {
          async sendMail(mail) {
            mails.push(mail)
            return { messageId: mail.messageId }
          },
        },
        from: 'cron alerts <alerts@example.org>',
        to: 'ops@example.org',
      }),
      recording,
    ]
    const store = core.createMemoryStore()

    // A misspelled option is refused by name when wrapping (zod and the error classes load).
    let optionsError = null
    try {
      core.withFailureAlerting(async () => {}, { jobName: JOB, store, notifiers, failureTreshold: 3 })
    } catch (error) {
      optionsError = error
    }
    check(optionsError instanceof core.OptionsError, 'a misspelled option throws OptionsError')
    check(/failureThreshold/.test(optionsError.message), 'the OptionsError suggests "failureThreshold"')

    // Two failures in a row: one alert, through all three notifiers; then a success resets.
    const failure = new Error('push service answered 503 <!channel>')
    const outcomes = [failure, failure, 'sent 12']
    const run = core.withFailureAlerting(
      async (ctx) => {
        const outcome = outcomes.shift()
        ctx.setSummary({ due: 12 })
        if (outcome instanceof Error) throw outcome
        return outcome
      },
      { jobName: JOB, store, notifiers, logger: core.silentLogger },
    )
    for (const attempt of [1, 2]) {
      const thrown = await run().then(
        () => null,
        (error) => error,
      )
      check(thrown === failure, `failed run ${attempt} rethrows the job's own error object`)
    }
    check((await run()) === 'sent 12', "the succeeding run returns the job's result")

    const runs = await store.listRuns({ jobName: JOB })
    check(runs.length === 3, `the store lists 3 runs (got ${runs.length})`)
    check(
      runs.map((row) => row.status).join() === 'succeeded,failed,failed',
      `runs are succeeded,failed,failed newest first (got ${runs.map((row) => row.status).join()})`,
    )
    check(runs[1].consecutive_failure_count === 2, 'the second failure counted 2')

    check(recording.events.length === 1, `one alert event recorded (got ${recording.events.length})`)
    const [event] = recording.events
    check(
      event.type === 'consecutive_failures' && event.job_name === JOB,
      'the event is consecutive_failures for the job',
    )
    check(webhook.posts.length === 1, `one Slack webhook post (got ${webhook.posts.length})`)
    const slackBody = JSON.parse(webhook.posts[0].body)
    check(webhook.posts[0].path === SECRET_PATH, 'Slack posted to the webhook path')
    check(
      Array.isArray(slackBody.blocks) && JSON.stringify(slackBody).includes(JOB),
      'the Slack post is Block Kit naming the job',
    )
    check(!webhook.posts[0].body.includes('<!channel>'), 'the Slack post escapes <!channel>')
    check(mails.length === 1 && String(mails[0].subject).includes(JOB), 'one email whose subject names the job')

    // The formatting helpers, the plugin helpers and the Postgres adapter without a server.
    check(slack.formatSlackMessage(event).blocks.length > 0, 'formatSlackMessage returns blocks')
    check(email.formatEmail(event).subject.length > 0, 'formatEmail returns a subject')
    check(
      !plugin.redactUrls(`posting to https://hooks.slack.com${SECRET_PATH}`).includes('smoke-secret'),
      'redactUrls hides the URL',
    )
    check(plugin.describeError(failure).includes('503'), 'describeError describes the error')
    check(typeof testing.describeExecutionLogStoreContract === 'function', 'core/testing exports the store contract')
    const migrations = await supabase.listMigrations()
    check(migrations.length > 0 && migrations.every((m) => m.sql.length > 0), 'listMigrations returns the SQL')
    const db = { query: async () => ({ rows: [] }) }
    check(typeof supabase.createSupabaseStore({ db }).beginRun === 'function', 'createSupabaseStore returns a store')
    check(typeof supabase.vaultSecret(db, 'ops_slack_webhook_url') === 'function', 'vaultSecret returns a resolver')

    return `${runs.length} runs, 1 alert to slack + email + recording, ${migrations.length} migrations`
  } finally {
    await webhook.close()
  }
}
