-- Steward's records: the byte-keyed store of `store::backend` (keys compare bytewise, as
-- bytea does whatever the collation), and the ids of `Backend::generate_id`.
-- The post ledger, seen chat events and each tenant's generation are rows of `kv` too: the
-- primary key is the unique constraint that lets one claimant win.
CREATE TABLE kv (
    key bytea PRIMARY KEY,
    value bytea NOT NULL
);

CREATE SEQUENCE steward_ids AS bigint START WITH 1 INCREMENT BY 1 NO CYCLE;

-- The marker that says this database is Steward's (`store::durable`, key "meta\0marker"),
-- written with the schema: a replica that finds the schema finds the marker too, however
-- close together two replicas start; one that finds the schema without it lost its data.
INSERT INTO kv (key, value) VALUES (
    decode('6d657461006d61726b6572', 'hex'),
    convert_to('{"v":1,"data":{"last_commit":0}}', 'UTF8')
);
