-- 003's guard let last_contact_date move backwards whenever the setting
-- reminders.admin_correction was on, and any session may set any setting: whoever could update
-- assignments could `set local reminders.admin_correction = 'on'` and move it back with no
-- audit row. The guard now asks for something only reminders.correct_last_contact_date can
-- make: a grant row, for this transaction and this assignment, in a table of a schema no other
-- role can reach. The function runs as its owner (security definer) to write it; the guard
-- consumes it; the function removes any it left unused. No setting, and no grant to a role
-- other than the owner, opens the guard.
create schema reminders_private;
revoke all on schema reminders_private from public;

create table reminders_private.correction_grants (
  transaction_id xid8 not null default pg_current_xact_id(),
  assignment_id integer not null,
  primary key (transaction_id, assignment_id)
);
revoke all on reminders_private.correction_grants from public;

-- The guard runs as whoever updates, who cannot read the table: this reaches it as the owner,
-- and can only remove (never create) a grant of the caller's own transaction.
create function reminders.consume_correction_grant(p_assignment_id integer) returns boolean
language sql security definer set search_path = pg_catalog, pg_temp as $$
  with consumed as (
    delete from reminders_private.correction_grants
     where transaction_id = pg_current_xact_id() and assignment_id = p_assignment_id
    returning 1
  )
  select exists (select 1 from consumed)
$$;

create or replace function reminders.guard_last_contact_date() returns trigger
language plpgsql as $$
begin
  if new.last_contact_date < old.last_contact_date
     and not reminders.consume_correction_grant(old.id) then
    raise exception 'last_contact_date of assignment % may only move backwards through reminders.correct_last_contact_date', old.id
      using errcode = 'check_violation';
  end if;
  return new;
end
$$;

-- One call, one transaction: lock the row, keep the old value, grant, update, audit. Returns no
-- row for an unknown assignment. It runs as its owner, so calling it is the permission to
-- correct: execute is granted to no one but the owner here; grant it to the roles that may.
create or replace function reminders.correct_last_contact_date(
  p_assignment_id integer,
  p_new_value timestamptz,
  p_actor text,
  p_actor_role text,
  p_reason text
) returns setof reminders.assignments
language plpgsql security definer set search_path = pg_catalog, pg_temp as $$
declare
  v_old timestamptz;
begin
  if p_new_value > now() then
    raise exception 'last_contact_date may not be in the future' using errcode = 'check_violation';
  end if;

  select last_contact_date into v_old
    from reminders.assignments
   where id = p_assignment_id
     for update;
  if not found then
    return;
  end if;

  insert into reminders_private.correction_grants (assignment_id) values (p_assignment_id)
  on conflict do nothing;
  return query
    update reminders.assignments
       set last_contact_date = p_new_value
     where id = p_assignment_id
    returning *;
  -- A correction forwards (or to the same value) leaves its grant unused: it must not outlive
  -- this call, or the caller's next statement could use it.
  delete from reminders_private.correction_grants
   where transaction_id = pg_current_xact_id() and assignment_id = p_assignment_id;

  insert into reminders.admin_audit_log (actor, actor_role, action, assignment_id, old_value, new_value, reason)
  values (p_actor, p_actor_role, 'set_last_contact_date', p_assignment_id, v_old, p_new_value, p_reason);
end
$$;

revoke execute on function reminders.correct_last_contact_date(integer, timestamptz, text, text, text) from public;
