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
