-- cronwarden execution log, 0002: 'missed' rows for scheduled times at which no run started
-- (written by checkMissedRuns). Re-runnable.

alter table cronwarden.cron_execution_logs drop constraint if exists cron_execution_logs_status_check;
alter table cronwarden.cron_execution_logs add constraint cron_execution_logs_status_check
  check (status in ('running', 'succeeded', 'failed', 'skipped', 'abandoned', 'missed'));

-- recordMissedRun: true only for the caller that created the row, so concurrent detectors
-- alert once per missed time. The row does not touch the job's streak or lease.
create or replace function cronwarden.record_missed_run(
  p_job_name text,
  p_run_id text,
  p_expected_at_ms bigint,
  p_detected_at_ms bigint,
  p_error_message text
)
returns boolean
language sql
set search_path = ''
as $$
  with inserted as (
    insert into cronwarden.cron_execution_logs
      (run_id, job_name, status, started_at, finished_at, duration_ms, error_message, last_success_at)
    values (
      p_run_id,
      p_job_name,
      'missed',
      to_timestamp(p_expected_at_ms / 1000.0),
      to_timestamp(p_detected_at_ms / 1000.0),
      null,
      cronwarden.clip_error(p_error_message),
      (select last_success_at from cronwarden.cron_job_state where job_name = p_job_name)
    )
    on conflict (run_id) do nothing
    returning 1
  )
  select exists (select from inserted)
$$;

select cronwarden.revoke_public_access();
