-- The `realtime` schema objects that hosted Supabase's Realtime service creates in every
-- project database (supabase/realtime tenant migrations; the table, functions and grants
-- below follow its PG17 schema dump): `realtime.messages`, whose RLS policies authorise
-- Broadcast and Presence on private channels, `realtime.topic()`, `realtime.send()`,
-- `realtime.send_binary()` and `realtime.broadcast_changes()`.
-- Docs: https://supabase.com/docs/guides/realtime/authorization and
-- https://supabase.com/docs/guides/realtime/broadcast#broadcast-from-the-database
-- Idempotent: runs on every start after bootstrap.sql.

create schema if not exists realtime;
grant usage on schema realtime to postgres, anon, authenticated, service_role;
grant all on schema realtime to supabase_realtime_admin;

-- ============================================================================
-- TABLE: one row per message, partitioned by day (the service creates the partitions)
-- ============================================================================
create table if not exists realtime.messages (
  topic text not null,
  extension text not null,
  payload jsonb,
  event text,
  private boolean default false,
  updated_at timestamp without time zone default now() not null,
  inserted_at timestamp without time zone default now() not null,
  id uuid default gen_random_uuid() not null,
  binary_payload bytea,
  constraint messages_pkey primary key (id, inserted_at),
  constraint messages_payload_exclusive check (payload is null or binary_payload is null)
) partition by range (inserted_at);

alter table realtime.messages owner to supabase_realtime_admin;

create index if not exists messages_inserted_at_topic_index
  on realtime.messages (inserted_at desc, topic)
  where extension = 'broadcast' and private is true;

-- Partitions for yesterday through three days ahead, as the hosted service creates them at
-- start (Realtime.Tenants.create_messages_partitions); local/src/realtime keeps them rolling.
do $$
declare
  day date;
  name text;
begin
  for day in select generate_series(current_date - 1, current_date + 3, interval '1 day')::date loop
    name := 'messages_' || to_char(day, 'YYYY_MM_DD');
    if to_regclass('realtime.' || name) is null then
      execute format(
        'create table realtime.%I partition of realtime.messages for values from (%L) to (%L)',
        name, day, day + 1
      );
      execute format('alter table realtime.%I owner to supabase_realtime_admin', name);
    end if;
  end loop;
end
$$;

-- ============================================================================
-- RLS: enabled, no policies (the app adds them; without any, private channels are refused)
-- ============================================================================
alter table realtime.messages enable row level security;

-- ============================================================================
-- FUNCTIONS (security invoker, as hosted: inserts pass the caller's RLS insert policies)
-- ============================================================================
create or replace function realtime.topic() returns text
language sql stable
as $$
select nullif(current_setting('realtime.topic', true), '')::text;
$$;

create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
declare
  generated_id uuid;
  final_payload jsonb;
begin
  begin
    generated_id := gen_random_uuid();

    -- Check if payload has an 'id' key, if not, add the generated UUID
    if payload ? 'id' then
      final_payload := payload;
    else
      final_payload := jsonb_set(payload, '{id}', to_jsonb(generated_id));
    end if;

    -- Set the topic configuration
    execute format('SET LOCAL realtime.topic TO %L', topic);

    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (generated_id, final_payload, event, topic, private, 'broadcast');
  exception
    when others then
      raise warning 'WarnSendingBroadcastMessage: %', SQLERRM;
  end;
end;
$$;

create or replace function realtime.send_binary(payload bytea, event text, topic text, private boolean default true)
returns void
language plpgsql
as $$
declare
  generated_id uuid;
begin
  begin
    generated_id := gen_random_uuid();

    execute format('SET LOCAL realtime.topic TO %L', topic);

    insert into realtime.messages (id, binary_payload, event, topic, private, extension)
    values (generated_id, payload, event, topic, private, 'broadcast');
  exception
    when others then
      raise warning 'WarnSendingBroadcastMessage: %', SQLERRM;
  end;
end;
$$;

create or replace function realtime.broadcast_changes(
  topic_name text, event_name text, operation text, table_name text, table_schema text,
  new record, old record, level text default 'ROW'
) returns void
language plpgsql
as $$
declare
  -- Declare a variable to hold the JSONB representation of the row
  row_data jsonb := '{}'::jsonb;
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;
  -- Check the operation type and handle accordingly
  if operation = 'INSERT' or operation = 'UPDATE' or operation = 'DELETE' then
    row_data := jsonb_build_object('old_record', OLD, 'record', NEW, 'operation', operation, 'table', table_name, 'schema', table_schema);
    perform realtime.send (row_data, event_name, topic_name);
  else
    raise exception 'Unexpected operation type: %', operation;
  end if;
exception
  when others then
    raise exception 'Failed to process the row: %', SQLERRM;
end;
$$;

alter function realtime.topic() owner to supabase_realtime_admin;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_realtime_admin;
alter function realtime.send_binary(bytea, text, text, boolean) owner to supabase_realtime_admin;
alter function realtime.broadcast_changes(text, text, text, text, text, record, record, text) owner to supabase_realtime_admin;

-- ============================================================================
-- GRANTS (as the hosted dump: the API roles read, insert and update through RLS)
-- ============================================================================
grant all on table realtime.messages to postgres;
grant select, insert, update on table realtime.messages to anon, authenticated, service_role;
grant all on function realtime.topic(), realtime.send(jsonb, text, text, boolean),
  realtime.send_binary(bytea, text, text, boolean),
  realtime.broadcast_changes(text, text, text, text, text, record, record, text)
  to postgres;

-- ============================================================================
-- PUBLICATION: rows inserted into realtime.messages (realtime.send) reach the Realtime
-- service by logical replication, as hosted ("Broadcast from the database").
-- ============================================================================
do $$
begin
  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime_messages_publication') then
    create publication supabase_realtime_messages_publication for table realtime.messages
      with (publish = 'insert', publish_via_partition_root = true);
  end if;
end
$$;
