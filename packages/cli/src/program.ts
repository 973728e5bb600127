import { resolve } from 'node:path'
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander'
import packageJson from '../package.json' with { type: 'json' }
import { check } from './commands/check.js'
import { deliver } from './commands/deliver.js'
import { migrate } from './commands/migrate.js'
import { mute, unmute } from './commands/mute.js'
import { purge } from './commands/purge.js'
import { report } from './commands/report.js'
import { runs } from './commands/runs.js'
import { status } from './commands/status.js'
import { testAlert } from './commands/test-alert.js'
import { type CommandContext, createContext } from './context.js'
import { loadConfig } from './load-config.js'
import { createOutput, type OutputStreams } from './output.js'
import { reportFailure } from './report-failure.js'

/** Everything the program touches outside itself, so tests can run it in-process too. */
export interface ProgramEnvironment extends OutputStreams {
  cwd: string
}

interface GlobalOptions {
  config?: string
  databaseUrl?: string
  color: boolean
}

const EXAMPLES = `
Examples:
  $ cronwarden migrate --database-url "$SUPABASE_DB_URL"
  $ cronwarden migrate --output-dir supabase/migrations   # then: supabase db push
  $ cronwarden status                      # exit 1 when a job is down or an alert is undelivered
  $ cronwarden status --json | jq '.jobs[] | select(.problems != [])'
  $ cronwarden runs assignment-follow-up-reminders --limit 20
  $ cronwarden mute nightly-export --for 2h     # alerts recorded as muted, not sent; unmute ends it
  $ cronwarden test-alert                  # through every notifier in cronwarden.config.ts
  $ cronwarden report --html health.html

The database comes from --database-url, else the config's db / databaseUrl, else DATABASE_URL.
The config is ./cronwarden.config.{ts,mts,cts,js,mjs,cjs} unless --config names one.
Exit codes: 0 ok, 1 unhealthy or failed (a job down, an alert not delivered), 2 usage error.`

/**
 * Runs one command line; resolves with the exit code. Never rejects and never exits the
 * process: the bin does that, after every stream is flushed.
 */
export async function runProgram(argv: readonly string[], environment: ProgramEnvironment): Promise<number> {
  let exitCode = 0
  let context: CommandContext | null = null
  const program = new Command('cronwarden')
  const errorOut = createOutput(environment, { json: false, color: !argv.includes('--no-color') })

  // Loads the config and opens the context for the command that runs, then runs it.
  const action =
    <Args extends unknown[]>(
      body: (context: CommandContext, ...args: Args) => Promise<number>,
    ): ((...args: Args) => Promise<void>) =>
    async (...args: Args) => {
      const command = args[args.length - 1] as Command
      const globals = command.optsWithGlobals<GlobalOptions & { json?: boolean }>()
      const out = createOutput(environment, { json: globals.json === true, color: globals.color })
      const loaded = await loadConfig({ explicitPath: globals.config, cwd: environment.cwd })
      context = createContext({
        out,
        config: loaded.config,
        configPath: loaded.path,
        flagUrl: globals.databaseUrl,
        env: environment.env,
      })
      exitCode = await body(context, ...args)
    }

  program
    .description('Operate cronwarden: job health, run history, test alerts, delivery sweeps, migrations.')
    .version(packageJson.version, '-V, --version')
    .option('-c, --config <file>', 'config file (default: ./cronwarden.config.ts or .js)')
    .option('--database-url <url>', 'Postgres connection string (default: the config, then DATABASE_URL)')
    .option('--no-color', 'no colour even on a terminal (also: NO_COLOR=1)')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => environment.stdout.write(text),
      writeErr: (text) => environment.stderr.write(text),
    })

  program
    .command('migrate')
    .description('apply the Postgres migrations (progress on stderr)')
    .option('--print', 'write every migration as one SQL file to stdout instead; connects to nothing')
    .addOption(
      new Option(
        '--output-dir <dir>',
        'write that file into this existing folder as <UTC timestamp>_cronwarden.sql and print its path; connects to nothing',
      ).conflicts('print'),
    )
    .option('--json', 'print the applied versions (with --output-dir: the file) as JSON')
    .addHelpText(
      'after',
      examples(
        'cronwarden migrate --database-url "$SUPABASE_DB_URL"',
        'cronwarden migrate --output-dir supabase/migrations && supabase db push',
      ),
    )
    .action(
      action((context, options: { print?: boolean; outputDir?: string }) =>
        migrate(context, {
          print: options.print === true,
          ...(options.outputDir === undefined
            ? {}
            : { outputDir: { given: options.outputDir, path: resolve(environment.cwd, options.outputDir) } }),
        }),
      ),
    )

  program
    .command('status')
    .description('one line per job: last runs, streak, last success, down since, running now, alerts')
    .argument('[jobs...]', 'only these jobs (default: every job recorded)')
    .option('--runs <count>', 'runs in each strip', positiveInteger('--runs', 1000), 20)
    .option(
      '--expired-within <days>',
      'count alerts that expired in this many days',
      positiveInteger('--expired-within', 3650),
      7,
    )
    .option('--json', 'print the jobs as JSON')
    .addHelpText(
      'after',
      `${examples(
        'cronwarden status || notify-oncall       # exit 1 when a job is down or an alert is undelivered',
        'cronwarden status nightly-export --runs 50',
        "cronwarden status --json | jq '.jobs[] | select(.problems != [])'",
      )}

A job is down when its last closed run failed; an alert is undelivered while pending or
retrying, and for --expired-within days after it expired.`,
    )
    .action(
      action((context, jobs: string[], options: { runs: number; expiredWithin: number }) =>
        status(context, { jobs, recentRuns: options.runs, expiredWithinMs: options.expiredWithin * 86_400_000 }),
      ),
    )

  program
    .command('runs')
    .description("a job's history: status, start, duration, error, summary, deliveries per notifier")
    .argument('<job>', 'the job name, as given to withFailureAlerting')
    .option('-n, --limit <count>', 'newest runs to show', positiveInteger('--limit', 10_000), 50)
    .option('--json', 'print the runs as JSON')
    .addHelpText(
      'after',
      examples(
        'cronwarden runs assignment-follow-up-reminders --limit 20',
        "cronwarden runs assignment-follow-up-reminders --json | jq '.runs[0].deliveries'",
      ),
    )
    .action(action((context, job: string, options: { limit: number }) => runs(context, job, options)))

  program
    .command('mute')
    .description("mute a job's alerts for a while: decided alerts are recorded as muted, not sent")
    .argument('<job>', 'a job the store has a record of')
    .addOption(new Option('--for <duration>', 'how long: a number and s, m, h or d (90s, 30m, 2h, 1d)'))
    .addOption(
      new Option('--until <time>', 'until an ISO 8601 time with a zone (2026-12-01T14:00:00Z)').conflicts('for'),
    )
    .option('--json', 'print { job_name, muted_until } as JSON')
    .addHelpText(
      'after',
      `${examples(
        'cronwarden mute nightly-export --for 2h                 # during a planned outage',
        'cronwarden mute nightly-export --until 2026-12-01T14:00:00Z',
        'cronwarden unmute nightly-export',
      )}

While muted, runs are recorded and the failure streak keeps counting; alerts decided then are
recorded as muted with their event and never sent, not even after unmuting, and a recovery
ending a streak whose alert was muted is muted too. status still shows the job as down (and
exits 1), marked muted. Exit 1 for a job with no record (the message names the known ones).`,
    )
    .action(action((context, job: string, options: { for?: string; until?: string }) => mute(context, job, options)))

  program
    .command('unmute')
    .description("send a job's alerts again from now (alerts recorded as muted are not replayed)")
    .argument('<job>', 'a job the store has a record of')
    .option('--json', 'print { job_name, muted_until: null } as JSON')
    .addHelpText('after', examples('cronwarden unmute nightly-export'))
    .action(action((context, job: string) => unmute(context, job)))

  program
    .command('test-alert')
    .description('send a sample consecutive_failures event, marked as a test, through every configured notifier')
    .option('--json', 'print each outcome as JSON')
    .addHelpText(
      'after',
      examples('cronwarden test-alert', 'cronwarden test-alert --config deploy/cronwarden.config.js'),
    )
    .addHelpText(
      'after',
      `
The event is a consecutive_failures alert for the job "cronwarden-test-alert", its error text
saying it is a test. Exit 1 when any notifier did not accept it; errors are printed with URLs
redacted. Run it after setting up a channel, before the first real failure:
  $ cronwarden test-alert --config ./cronwarden.config.ts`,
    )
    .action(action((context) => testAlert(context)))

  program
    .command('deliver')
    .description('one sweep of pending alerts (run it from a scheduler)')
    .option('--json', 'print what was delivered as JSON')
    .option('-v, --verbose', 'also log each delivery')
    .addHelpText(
      'after',
      examples('cronwarden deliver --config /srv/app/cronwarden.config.js   # every minute, from cron'),
    )
    .action(
      action((context, options: { verbose?: boolean }) => deliver(context, { verbose: options.verbose === true })),
    )

  program
    .command('check')
    .description("one pass of missed-run checks (the config's jobs) and pg_cron trigger checks (its pgCronJobs)")
    .option('--json', 'print the events as JSON')
    .option('-v, --verbose', 'also log each delivery')
    .addHelpText(
      'after',
      examples('cronwarden check --verbose                              # every 5 minutes, from cron'),
    )
    .action(action((context, options: { verbose?: boolean }) => check(context, { verbose: options.verbose === true })))

  program
    .command('report')
    .description('write a self-contained HTML page: run strips, 90-day duration charts, incidents and their alerts')
    .requiredOption('--html <file>', 'where to write the page')
    .option('--days <count>', 'days of history in the charts and incidents', positiveInteger('--days', 3650), 90)
    .option('--runs <count>', 'runs in each strip', positiveInteger('--runs', 1000), 20)
    .action(
      action((context, options: { html: string; days: number; runs: number }) =>
        report(context, {
          htmlPath: resolve(environment.cwd, options.html),
          days: options.days,
          recentRuns: options.runs,
        }),
      ),
    )

  program
    .command('purge')
    .description('delete finished runs and settled alerts older than N days, in batches')
    .requiredOption('--older-than <days>', 'age in days (at least 1)', positiveInteger('--older-than', 100_000))
    .option('--batch-size <rows>', 'rows per batch', positiveInteger('--batch-size', 1_000_000), 10_000)
    .option('--json', 'print the count as JSON')
    .addHelpText(
      'after',
      examples('cronwarden purge --older-than 90', 'cronwarden purge --older-than 30 --batch-size 5000'),
    )
    .action(
      action((context, options: { olderThan: number; batchSize: number }) =>
        purge(context, { days: options.olderThan, batchSize: options.batchSize }),
      ),
    )

  try {
    await program.parseAsync([...argv], { from: 'user' })
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version "fail" with exit code 0; commander printed the rest already.
      exitCode = error.exitCode === 0 ? 0 : 2
    } else {
      exitCode = reportFailure(error, errorOut)
    }
  } finally {
    await (context as CommandContext | null)?.close().catch(() => {})
  }
  return exitCode
}

/** A command's own examples, under its --help, in the same form as the program's. */
function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}`
}

function positiveInteger(flag: string, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value)
    if (!/^\d+$/.test(value) || !Number.isSafeInteger(parsed) || parsed < 1 || parsed > max)
      throw new InvalidArgumentError(`${flag}: expected an integer from 1 to ${max}, got "${value}"`)
    return parsed
  }
}
