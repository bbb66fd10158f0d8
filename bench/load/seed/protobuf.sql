-- Protobuf wire-format encoders as session-local SQL functions (schema pg_temp: nothing is left
-- in the service's schema), so that the seed can write events into a service's outbox with
-- generate_series, exactly as outbox::AppendEvent would serialize them. Only what the seeded
-- events use: strings, non-negative integers, booleans, nested messages, Timestamps. Proto3
-- defaults (empty, 0, false) are omitted, as protobuf does. seed.sh checks one payload of each
-- kind with `protoc --decode` before loading.
CREATE FUNCTION pg_temp.pb_varint_loop(n bigint) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT AS $$
DECLARE
  result bytea := ''::bytea;
  b int;
BEGIN
  IF n < 0 THEN RAISE EXCEPTION 'pb_varint: negative value %', n; END IF;
  LOOP
    b := (n & 127)::int;
    n := n >> 7;
    IF n = 0 THEN RETURN result || set_byte('\x00'::bytea, 0, b); END IF;
    result := result || set_byte('\x00'::bytea, 0, b | 128);
  END LOOP;
END $$;

-- One and two bytes (tags, lengths) without the loop: most calls.
CREATE FUNCTION pg_temp.pb_varint(n bigint) RETURNS bytea LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
  RETURN CASE WHEN n >= 0 AND n < 128 THEN set_byte('\x00'::bytea, 0, n::int)
              WHEN n >= 128 AND n < 16384
                THEN set_byte(set_byte('\x0000'::bytea, 0, (n & 127)::int | 128), 1, (n >> 7)::int)
              ELSE pg_temp.pb_varint_loop(n) END;
END $$;

-- Length-delimited field (string, bytes, nested message); nothing for an empty value.
CREATE FUNCTION pg_temp.pb_bytes(field int, v bytea) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN CASE WHEN v IS NULL OR length(v) = 0 THEN ''::bytea
              ELSE pg_temp.pb_varint(field * 8 + 2) || pg_temp.pb_varint(length(v)) || v END;
END $$;

CREATE FUNCTION pg_temp.pb_str(field int, v text) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN pg_temp.pb_bytes(field, convert_to(v, 'UTF8'));
END $$;

-- A repeated string field: one entry per element, in order.
CREATE FUNCTION pg_temp.pb_strs(field int, v text[]) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN coalesce((SELECT string_agg(pg_temp.pb_str(field, e), ''::bytea ORDER BY o)
                   FROM unnest(v) WITH ORDINALITY AS u(e, o)), ''::bytea);
END $$;

CREATE FUNCTION pg_temp.pb_int(field int, v bigint) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN CASE WHEN v IS NULL OR v = 0 THEN ''::bytea
              ELSE pg_temp.pb_varint(field * 8) || pg_temp.pb_varint(v) END;
END $$;

CREATE FUNCTION pg_temp.pb_bool(field int, v boolean) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN CASE WHEN v THEN pg_temp.pb_varint(field * 8) || '\x01'::bytea ELSE ''::bytea END;
END $$;

-- google.protobuf.Timestamp {seconds = 1}, to the second (the seed's times are whole seconds).
CREATE FUNCTION pg_temp.pb_ts(field int, v timestamptz) RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN pg_temp.pb_bytes(field, '\x08'::bytea || pg_temp.pb_varint_loop(extract(epoch FROM v)::bigint));
END $$;

-- meltingdoc.events.v1.Event around a payload (its oneof field number and encoded message).
CREATE FUNCTION pg_temp.pb_event(event_id uuid, aggregate_type text, aggregate_id uuid,
                                 aggregate_version bigint, occur_time timestamptz,
                                 payload_field int, payload bytea)
RETURNS bytea LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN pg_temp.pb_str(1, event_id::text) || pg_temp.pb_str(2, aggregate_type) ||
         pg_temp.pb_str(3, aggregate_id::text) || pg_temp.pb_int(4, aggregate_version) ||
         pg_temp.pb_ts(5, occur_time) || pg_temp.pb_bytes(payload_field, payload);
END $$;

-- The seed's deterministic ids: <kind prefix>-0000-4000-8000-<n in hex>, valid version-4 UUIDs
-- that wrk's scripts compute from the same n (bench/load/mix.lua).
CREATE FUNCTION pg_temp.load_id(prefix text, n bigint) RETURNS uuid LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  RETURN (prefix || '-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::uuid;
END $$;
