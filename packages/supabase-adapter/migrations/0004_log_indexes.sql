-- cronwarden execution log, 0004: time-range indexes for reads across jobs and for retention;
-- purge in bounded batches.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations after 0003) or
-- applied by `migrate(db)`. Re-runnable.
--
-- Until now the log had one index besides its primary key, (job_name, started_at): "failures
-- of the last 24 hours" across jobs, and purge's delete, read the whole table. A B-tree on
-- started_at would serve them, but every run would then write one more B-tree entry. A BRIN
-- index keeps one small summary (min and max started_at) per 128 pages, which fits a table
-- written in time order: a range read skips every page range outside the window, and the
-- index of a million runs is a few pages. Inserts into the table's unsummarized tail (new
-- runs) cost nothing; autosummarize asks autovacuum to summarize each range once it fills.
--
-- Why not on status (see cron_job_state.open_runs in 0001): on PostgreSQL 15 an update that
-- changes any indexed column, BRIN included, is not HOT. started_at never changes after the
-- insert, so finishes, heartbeats and delivery records stay HOT.
--
-- Its precision decays where purge frees pages that new runs then fill: such a page range
-- holds old and new times, so its summary is wide and a range read scans it. It is still a
-- fraction of the table, far less than the sequential scan it replaces.
--
-- Built with a plain CREATE INDEX (migrations run in a transaction, where CONCURRENTLY is
-- refused): it blocks writes to the table while it reads it once (0.2 s for a million runs
-- on a small server).

create index if not exists cron_execution_logs_started_brin
  on cronwarden.cron_execution_logs using brin (started_at)
  with (autosummarize = on);

-- The same for the alert outbox: purge deletes settled entries by created_at, which no other
-- index leads with. created_at never changes either.
create index if not exists cron_alerts_created_brin
  on cronwarden.cron_alerts using brin (created_at)
  with (autosummarize = on);

-- Retention, now through those indexes, and optionally in batches. With p_batch_size null
-- (and `cronwarden.purge(90)`, as before) it deletes all finished runs and settled alert
-- entries older than p_days days in one statement each, and returns the runs deleted. With
-- p_batch_size it deletes at most that many rows in all: finished runs first, then, once
-- none is left, settled alert entries; it returns the rows deleted (runs and entries), so a
-- caller repeats it until it returns less than p_batch_size. Each batch is one short
-- transaction, so purging millions of rows holds no lock or snapshot for long and lets
-- autovacuum reuse the space as it goes. Running rows and pending entries are always kept.
--
-- One function with a defaulted argument rather than a second overload: a call with one
-- argument keeps working, and the schema keeps one signature per function.
--
-- plan_cache_mode: the delete must be planned with the real cutoff. PL/pgSQL may cache a
-- generic plan after five calls in one session (a batch loop), and a generic plan guesses a
-- third of the table for `started_at < $1`, which a sequential scan wins.
drop function if exists cronwarden.purge(integer);

create or replace function cronwarden.purge(p_days integer, p_batch_size integer default null)
returns bigint
language plpgsql
set search_path = ''
set plan_cache_mode = force_custom_plan
as $$
declare
  v_cutoff timestamptz;
  v_runs bigint;
  v_entries bigint := 0;
begin
  if p_days is null or p_days < 1 then
    raise exception 'purge: p_days must be at least 1, got %', p_days using errcode = '22023';
  end if;
  if p_batch_size < 1 then
    raise exception 'purge: p_batch_size must be at least 1 (or null for no limit), got %', p_batch_size
      using errcode = '22023';
  end if;
  v_cutoff := now() - p_days * interval '1 day';

  if p_batch_size is null then
    delete from cronwarden.cron_execution_logs
    where started_at < v_cutoff and status <> 'running';
    get diagnostics v_runs = row_count;
    delete from cronwarden.cron_alerts
    where created_at < v_cutoff and status <> 'pending';
    return v_runs;
  end if;

  -- A batch: the rows are picked through the BRIN index and deleted by their tuple ids (a
  -- TID scan), so no join can turn into a scan of the whole table.
  delete from cronwarden.cron_execution_logs
  where ctid = any (array(
    select ctid from cronwarden.cron_execution_logs
    where started_at < v_cutoff and status <> 'running'
    limit p_batch_size
  ));
  get diagnostics v_runs = row_count;
  if v_runs < p_batch_size then
    delete from cronwarden.cron_alerts
    where ctid = any (array(
      select ctid from cronwarden.cron_alerts
      where created_at < v_cutoff and status <> 'pending'
      limit p_batch_size - v_runs
    ));
    get diagnostics v_entries = row_count;
  end if;
  return v_runs + v_entries;
end
$$;

-- readJobHealth: every job's health in one call, as one JSON array sorted by job name (code
-- point order): the newest p_recent_runs runs (oldest first), the streak, the runs still
-- running with their leases, and the job's alert entries pending, retrying a failed notifier,
-- or expired within p_expired_within_ms. p_jobs null means every job in cron_job_state.
-- Times as epoch milliseconds, like list_runs. Each part goes through an index:
--   * the strip: a LIMIT on the (job_name, started_at desc, id desc) index, per job;
--   * running runs: only jobs whose row counts open runs, and only their runs started since
--     open_since (the same index), never a scan on status;
--   * pending and failed: all pending entries, through the partial index on them;
--   * expired: per job, its entries in the window through (job_name, created_at).
-- A function rather than a query text sent by the client: the query costs enough (500
-- jobs) to cross PostgreSQL's default jit_above_cost, and compiling it took 45 ms on
-- top of 60 ms of work; `set jit = off` here keeps that out without touching the session.
-- It also makes the health readable from SQL: `select cronwarden.job_health()`.
-- json rather than jsonb: it is only sent, never queried, and building jsonb (a binary
-- value, then printed) took twice as long for a thousand jobs.
create or replace function cronwarden.job_health(
  p_jobs text[] default null,
  p_recent_runs integer default 20,
  p_expired_within_ms bigint default 604800000
)
returns json
language sql
stable
set search_path = ''
set jit = off
as $$
  select coalesce(json_agg(json_build_object(
      'job_name', job.job_name,
      'recent_runs', strip.runs,
      'consecutive_failure_count', job.consecutive_failure_count,
      'last_success_at', cronwarden.epoch_ms(job.last_success_at),
      'down_since', cronwarden.epoch_ms(job.down_since),
      'running', running.runs,
      'pending', coalesce(pending.pending, 0),
      'failed', coalesce(pending.failed, 0),
      'expired', expired.entries
    ) order by job.job_name collate "C"), '[]'::json)
  from cronwarden.cron_job_state as job
  -- [run_id, status, started_at, duration_ms]: arrays, not objects, to keep a thousand strips small.
  cross join lateral (
    select coalesce(json_agg(
        json_build_array(newest.run_id, newest.status, cronwarden.epoch_ms(newest.started_at), newest.duration_ms)
        order by newest.started_at, newest.id), '[]'::json) as runs
    from (
      select run.run_id, run.status, run.started_at, run.id, run.duration_ms
      from cronwarden.cron_execution_logs as run
      where run.job_name = job.job_name
      order by run.started_at desc, run.id desc
      limit greatest(p_recent_runs, 0)
    ) as newest
  ) as strip
  -- [run_id, started_at, lease_expires_at, host]; a lease without an end (infinity) as null.
  cross join lateral (
    select coalesce(json_agg(
        json_build_array(run.run_id, cronwarden.epoch_ms(run.started_at),
          case when pg_catalog.isfinite(run.lease_expires_at) then cronwarden.epoch_ms(run.lease_expires_at) end,
          run.host)
        order by run.started_at, run.id), '[]'::json) as runs
    from cronwarden.cron_execution_logs as run
    where job.open_runs > 0
      and run.job_name = job.job_name
      and run.started_at >= coalesce(job.open_since, '-infinity')
      and run.status = 'running'
  ) as running
  left join (
    select entry.job_name,
      count(*) filter (where not entry.notifiers @> '[{"status": "failed"}]') as pending,
      count(*) filter (where entry.notifiers @> '[{"status": "failed"}]') as failed
    from cronwarden.cron_alerts as entry
    where entry.status = 'pending' and (p_jobs is null or entry.job_name = any (p_jobs))
    group by entry.job_name
  ) as pending on pending.job_name = job.job_name
  cross join lateral (
    select count(*) as entries
    from cronwarden.cron_alerts as entry
    where entry.job_name = job.job_name
      and entry.created_at > now() - p_expired_within_ms * interval '1 millisecond'
      and entry.status = 'expired'
  ) as expired
  where p_jobs is null or job.job_name = any (p_jobs)
$$;

select cronwarden.revoke_public_access();
