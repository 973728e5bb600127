-- Runs the reminder-dispatch Edge Function daily at 06:00 UTC, as Supabase's docs schedule
-- Edge Functions: pg_cron fires, pg_net makes the HTTP call. The project URL and a key with
-- permission to invoke the function live in Vault, not in this file:
--
--   select vault.create_secret('https://<project-ref>.supabase.co', 'project_url');
--   select vault.create_secret('<anon or service key>', 'reminder_cron_invoke_key');
create extension if not exists pg_cron;
create extension if not exists pg_net;

select cron.schedule(
  'assignment-follow-up-reminders',
  '0 6 * * *',
  $$
  select net.http_post(
    url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url')
           || '/functions/v1/reminder-dispatch',
    headers := jsonb_build_object(
      'Content-Type', 'application/json',
      'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'reminder_cron_invoke_key')
    ),
    body := jsonb_build_object('triggered_at', now()),
    timeout_milliseconds := 300000
  ) as request_id;
  $$
);

-- Every minute, the alert-sweeper Edge Function delivers the reminder job's alerts that are
-- still owed. An alert is written with the failing run and sent right away; if the caller
-- died before sending it, or Slack was down, it stays pending, and this daily job's next
-- call is a day away. The sweeper sends an alert whose caller died within a minute or so,
-- and one Slack refused within a minute or so of its retry coming due once Slack is back
-- (retries wait 30 s, doubling per attempt up to an hour, so a long outage adds up to that
-- wait). A sweep that finds nothing owed is one store call. Overlapping sweeps are safe:
-- each alert is claimed by one caller at a time.
select cron.schedule(
  'cronwarden-alert-sweeper',
  '* * * * *',
  $$
  select net.http_post(
    url := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url')
           || '/functions/v1/alert-sweeper',
    headers := jsonb_build_object(
      'Content-Type', 'application/json',
      'Authorization', 'Bearer ' || (select decrypted_secret from vault.decrypted_secrets where name = 'reminder_cron_invoke_key')
    ),
    body := jsonb_build_object('triggered_at', now()),
    timeout_milliseconds := 60000
  ) as request_id;
  $$
);
