-- Each write of a tenant's generation (key 't\0<tenant>\0gen', `store::keys::generation`) is
-- announced with NOTIFY to the replicas listening on this schema's channel (`watch.rs`), so a
-- replica knows its book in memory is current without asking the database on every request.
-- The payload is the key in hex, then a space and the value in hex (none: deleted). PostgreSQL
-- delivers a transaction's notifications when it commits, and in commit order.
CREATE FUNCTION steward_announce_generation() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM pg_notify('steward_' || md5(TG_TABLE_SCHEMA), encode(OLD.key, 'hex'));
    ELSE
        PERFORM pg_notify(
            'steward_' || md5(TG_TABLE_SCHEMA),
            encode(NEW.key, 'hex') || ' ' || encode(NEW.value, 'hex')
        );
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER kv_generation_written AFTER INSERT OR UPDATE ON kv FOR EACH ROW
    WHEN (substring(NEW.key FROM 1 FOR 2) = '\x7400'::bytea
          AND substring(NEW.key FROM octet_length(NEW.key) - 3) = '\x0067656e'::bytea)
    EXECUTE FUNCTION steward_announce_generation();

CREATE TRIGGER kv_generation_deleted AFTER DELETE ON kv FOR EACH ROW
    WHEN (substring(OLD.key FROM 1 FOR 2) = '\x7400'::bytea
          AND substring(OLD.key FROM octet_length(OLD.key) - 3) = '\x0067656e'::bytea)
    EXECUTE FUNCTION steward_announce_generation();
