-- Runs the reminder-dispatch Edge Function daily at 06:00 UTC, as Supabase's docs schedule
-- Edge Functions: pg_cron fires, pg_net makes the HTTP call. The project URL and the secret
-- that lets the scheduler (and only the scheduler) start a run live in Vault, not in this file:
--
--   select vault.create_secret('https://<project-ref>.supabase.co', 'project_url');
--   select vault.create_secret(encode(extensions.gen_random_bytes(32), 'hex'), 'reminder_cron_secret');
--
-- The functions read reminder_cron_secret from Vault too and compare it with the x-cron-secret
-- header, so it is stored once and never leaves the database except in these calls. No API
-- key is sent: the anon (publishable) key is public, and anyone holding it could start a run.
-- Rotate it with vault.update_secret; the next call uses the new value on both sides.
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
      'x-cron-secret', (select decrypted_secret from vault.decrypted_secrets where name = 'reminder_cron_secret')
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
      'x-cron-secret', (select decrypted_secret from vault.decrypted_secrets where name = 'reminder_cron_secret')
    ),
    body := jsonb_build_object('triggered_at', now()),
    timeout_milliseconds := 60000
  ) as request_id;
  $$
);
