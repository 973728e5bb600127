-- cronwarden execution log, 0002: error messages clipped in SQL exactly as core clips them.
--
-- Usable as a plain Supabase migration (copy it into supabase/migrations after 0001) or
-- applied by `migrate(db)`. Re-runnable.
--
-- Core clips every error message to 8000 UTF-16 units before a store sees it: the head, then
-- " [truncated N characters]", 8000 in all, the marker sized for the largest count it could
-- show, never cutting a surrogate pair in two. 0001's clip_error kept 8000 characters and
-- appended the marker after them, so text written straight to SQL (pg_cron's
-- return_message, a notifier's error, a direct store call) came out longer than, and
-- different from, what every other store keeps. Same algorithm here, and the same units:
-- PostgreSQL counts code points, JavaScript counts UTF-16 units, in which a character
-- outside the Basic Multilingual Plane (an emoji) counts twice; so those are counted twice.
--
-- The search_path is pinned now (Supabase's advisor flags a function without one). That stops
-- PostgreSQL from inlining it into its callers: a function call per finish, within noise of
-- the rest of a finish.

create or replace function cronwarden.clip_error(message text)
returns text
language plpgsql
immutable
set search_path = ''
as $$
declare
  v_limit constant integer := 8000;
  -- Characters that are two UTF-16 units (a surrogate pair) in JavaScript.
  v_astral constant text := '[' || chr(65536) || '-' || chr(1114111) || ']';
  v_units integer;
  v_end integer;
  v_low integer;
  v_high integer;
  v_middle integer;
begin
  -- No character is fewer bytes in UTF-8 than units in UTF-16: short text needs no counting.
  if message is null or octet_length(message) <= v_limit then
    return message;
  end if;
  v_units := length(message) + regexp_count(message, v_astral);
  if v_units <= v_limit then
    return message;
  end if;
  -- The marker for the whole length is the longest this one can be, so the result fits.
  v_end := greatest(0, v_limit - length(' [truncated ' || v_units::text || ' characters]'));
  -- The most characters whose units fit in v_end. Dropping as many characters as the first
  -- v_end hold astral ones always fits (v_low); v_end characters do not when there are any.
  v_low := v_end - regexp_count(left(message, v_end), v_astral);
  v_high := v_end;
  while v_high - v_low > 1 loop
    v_middle := (v_low + v_high) / 2;
    if v_middle + regexp_count(left(message, v_middle), v_astral) <= v_end then
      v_low := v_middle;
    else
      v_high := v_middle;
    end if;
  end loop;
  v_end := v_low + regexp_count(left(message, v_low), v_astral);
  return left(message, v_low) || ' [truncated ' || (v_units - v_end)::text || ' characters]';
end
$$;

select cronwarden.revoke_public_access();
