// A fleet's history written straight into the tables with generate_series, for the plan test
// and bench/job-health.ts: runs spread evenly over `days` in insertion order (as a real log
// grows), every status, one state row per job, some runs still running (counted in
// open_runs / open_since, as begin_run keeps them), and alert entries in every state.

/** The shape of the seeded fleet. */
export interface FleetSeed {
  /** Runs in the log, spread evenly over the jobs and over `days`, the newest 10 minutes ago. */
  runs: number
  /** Jobs, named `job-0000`, `job-0001`, ... */
  jobs: number
  /** How far back the runs go. */
  days: number
  /** Every this-many-th job has a run still running (its lease expired for every other one of them). */
  runningEvery: number
  /** Alert entries, spread over `alertDays`, the newest pending. */
  alerts: number
  /** How far back the alert entries go. */
  alertDays: number
}

/**
 * The seed as statements to run one by one, the last ones VACUUM ANALYZE (which cannot run
 * inside a multi-statement query): fresh statistics, and the BRIN ranges summarized, as
 * autovacuum leaves them on a table that grew over days.
 */
export function fleetSeedStatements(seed: FleetSeed): string[] {
  const { runs, jobs, days, runningEvery, alerts, alertDays } = seed
  const jobName = (n: string) => `'job-' || lpad((${n})::text, 4, '0')`
  return [
    `insert into cronwarden.cron_execution_logs
       (run_id, job_name, status, exclusive, started_at, finished_at, duration_ms, error_message,
        consecutive_failure_count, host)
     select 'seed-' || n, ${jobName(`n % ${jobs}`)}, kind.status, true, at.t,
            case when kind.status <> 'missed' then at.t + interval '1 second' end,
            case when kind.status not in ('missed', 'skipped') then 1000 + n % 5000 end,
            case when kind.status in ('failed', 'abandoned', 'missed') then 'seeded ' || kind.status end,
            case when kind.status in ('failed', 'abandoned') then 1 else 0 end,
            'seed-host'
     from generate_series(1, ${runs}) as n,
       lateral (select date_trunc('milliseconds',
                  now() - interval '10 minutes' - (1 - n::float8 / ${runs}) * interval '${days} days') as t) as at,
       lateral (select case
                  when n % 13 = 0 then 'failed'
                  when n % 101 = 0 then 'abandoned'
                  when n % 37 = 0 then 'skipped'
                  when n % 89 = 0 then 'missed'
                  else 'succeeded' end as status) as kind`,
    `insert into cronwarden.cron_job_state (job_name, consecutive_failure_count, last_success_at, down_since)
     select ${jobName('j')}, j % 3, now() - interval '1 hour',
            case when j % 3 > 0 then now() - interval '2 hours' end
     from generate_series(0, ${jobs - 1}) as j`,
    // Running runs, as begin_run leaves them: the row, and the job's open_runs / open_since.
    `insert into cronwarden.cron_execution_logs (run_id, job_name, status, exclusive, started_at, lease_expires_at, host)
     select 'running-' || j, ${jobName('j')}, 'running', true,
            date_trunc('milliseconds', now() - interval '3 minutes'),
            date_trunc('milliseconds', now() + case when (j / ${runningEvery}) % 2 = 1
              then interval '-1 minute' else interval '1 minute' end),
            'worker-' || j
     from generate_series(0, ${jobs - 1}, ${runningEvery}) as j`,
    `update cronwarden.cron_job_state as job set open_runs = 1, open_since = run.started_at
     from cronwarden.cron_execution_logs as run
     where run.job_name = job.job_name and run.run_id like 'running-%'`,
    // The newest 1% pending (a third of those retrying a failed notifier), older ones settled.
    `insert into cronwarden.cron_alerts
       (job_name, run_id, created_at, expires_at, subject, policy, notifiers, status, event_type)
     select ${jobName(`n % ${jobs}`)}, 'seed-' || n, at.t, at.t + interval '1 day',
            '{"kind": "event", "event": {}}', '{"failureThreshold": 2, "notifyOnRecovery": false}',
            case when n % 3 = 0
              then '[{"notifier": "slack", "status": "failed"}, {"notifier": "email", "status": "delivered"}]'
              else '[{"notifier": "slack", "status": "delivered"}]' end::jsonb,
            case when n > ${alerts} - ${Math.max(1, Math.floor(alerts / 100))} then 'pending'
                 when n % 7 = 0 then 'expired' else 'delivered' end,
            'consecutive_failures'
     from generate_series(1, ${alerts}) as n,
       lateral (select date_trunc('milliseconds',
                  now() - (1 - n::float8 / ${alerts}) * interval '${alertDays} days') as t) as at`,
    'vacuum analyze cronwarden.cron_execution_logs',
    'vacuum analyze cronwarden.cron_job_state',
    'vacuum analyze cronwarden.cron_alerts',
  ]
}
