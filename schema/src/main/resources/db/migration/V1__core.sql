-- WattWitness core schema: installations and device keys, readings, quarantine, device status.
-- Nothing is ever deleted: rows change state, they do not disappear (DELETE on the evidence tables is refused).
-- Hex identifiers are TEXT with a format check (not CHAR(n)): a bpchar column compared with a text parameter
-- is cast to text and loses its index.

CREATE TABLE installations (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT        NOT NULL,
    shelly_mac      TEXT        NOT NULL UNIQUE,            -- meter MAC, 12 lowercase hex
    public_key      TEXT        NOT NULL,                   -- current device key X||Y, 128 lowercase hex
    device_id       TEXT        NOT NULL UNIQUE,            -- first 8 bytes of SHA-256(key), 16 lowercase hex
    timezone        TEXT        NOT NULL DEFAULT 'UTC',     -- IANA zone
    latitude        DOUBLE PRECISION,
    longitude       DOUBLE PRECISION,
    capacity_w      DOUBLE PRECISION,
    is_active       BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT installations_mac_hex CHECK (shelly_mac ~ '^[0-9a-f]{12}$'),
    CONSTRAINT installations_key_hex CHECK (public_key ~ '^[0-9a-f]{128}$'),
    CONSTRAINT installations_device_hex CHECK (device_id ~ '^[0-9a-f]{16}$')
);

-- Every key an installation ever had; readings signed by a retired key still verify.
-- verify-service accepts a reading only when its device id is registered here or as an installation's current key.
CREATE TABLE installation_keys (
    id              BIGSERIAL PRIMARY KEY,
    installation_id BIGINT      NOT NULL REFERENCES installations (id),
    public_key      TEXT        NOT NULL,
    device_id       TEXT        NOT NULL UNIQUE,
    valid_from      TIMESTAMPTZ NOT NULL DEFAULT now(),
    retired_at      TIMESTAMPTZ,
    CONSTRAINT installation_keys_key_hex CHECK (public_key ~ '^[0-9a-f]{128}$'),
    CONSTRAINT installation_keys_device_hex CHECK (device_id ~ '^[0-9a-f]{16}$')
);
CREATE INDEX installation_keys_installation ON installation_keys (installation_id);

-- Per-device replay state: the highest boot counter stored (rollback detection).
-- verify-service locks the row (SELECT ... FOR UPDATE) while it stores a device's readings.
CREATE TABLE devices (
    device_id       TEXT        PRIMARY KEY,
    installation_id BIGINT      REFERENCES installations (id),
    highest_boot    BIGINT      NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT devices_device_hex CHECK (device_id ~ '^[0-9a-f]{16}$')
);

-- Readings signed by a registered key: verified, disputed (equivocation) and anomalous ones.
-- Only status 'verified' is anchored; 'anomaly' is held back for review, 'disputed' is never anchored.
CREATE TABLE readings (
    id                      BIGSERIAL PRIMARY KEY,
    installation_id         BIGINT      NOT NULL REFERENCES installations (id),
    device_id               TEXT        NOT NULL,
    meter_id                TEXT        NOT NULL,            -- meter MAC from the message, 12 lowercase hex
    boot                    BIGINT      NOT NULL,
    seq                     BIGINT      NOT NULL,
    timestamp_ms            BIGINT      NOT NULL,            -- reading time, Unix ms UTC
    reading_time            TIMESTAMPTZ NOT NULL,
    power_mw                BIGINT      NOT NULL,
    energy_mwh              BIGINT      NOT NULL,
    power_w                 DOUBLE PRECISION NOT NULL,
    total_wh                DOUBLE PRECISION NOT NULL,
    flags                   INTEGER     NOT NULL,
    message                 BYTEA       NOT NULL,            -- the 52 signed bytes
    signature               BYTEA       NOT NULL,            -- low-S r||s, 64 bytes
    status                  TEXT        NOT NULL,            -- verified | disputed | anomaly
    is_verified             BOOLEAN     NOT NULL,            -- signature checked under a registered key
    verification_error      TEXT,                            -- anomaly or dispute reason, null when clean
    received_at             TIMESTAMPTZ NOT NULL,
    verified_at             TIMESTAMPTZ NOT NULL,
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    batch_id                BIGINT,
    is_on_chain             BOOLEAN     NOT NULL DEFAULT FALSE,
    blockchain_tx_hash      TEXT,
    blockchain_block_number BIGINT,
    CONSTRAINT readings_identity UNIQUE (device_id, boot, seq),
    CONSTRAINT readings_status CHECK (status IN ('verified', 'disputed', 'anomaly')),
    CONSTRAINT readings_status_error CHECK ((status = 'verified') = (verification_error IS NULL)),
    CONSTRAINT readings_device_hex CHECK (device_id ~ '^[0-9a-f]{16}$'),
    CONSTRAINT readings_message_length CHECK (octet_length(message) = 52),
    CONSTRAINT readings_signature_length CHECK (octet_length(signature) = 64)
);
CREATE INDEX readings_installation_time ON readings (installation_id, timestamp_ms DESC);
CREATE INDEX readings_unbatched ON readings (id) WHERE batch_id IS NULL AND status = 'verified';

-- A second, different, validly signed message for an identity already stored (equivocation).
CREATE TABLE reading_conflicts (
    id              BIGSERIAL PRIMARY KEY,
    reading_id      BIGINT      NOT NULL REFERENCES readings (id),
    message         BYTEA       NOT NULL,
    signature       BYTEA       NOT NULL,                    -- low-S r||s
    received_at     TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT reading_conflicts_unique UNIQUE (reading_id, message)
);

-- Everything that could not be accepted, with its reason and the raw envelope.
-- One row per distinct (envelope bytes, reason): a redelivered or resent identical envelope is not stored twice.
CREATE TABLE quarantine (
    id              BIGSERIAL PRIMARY KEY,
    received_at     TIMESTAMPTZ NOT NULL,
    quarantined_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    source          TEXT        NOT NULL,                    -- mqtt | http | unknown
    stage           TEXT        NOT NULL,                    -- ingest | verify
    reason          TEXT        NOT NULL,                    -- machine-readable code
    detail          TEXT,
    topic           TEXT,                                    -- MQTT topic the envelope came on, when known
    device_id       TEXT,                                    -- as claimed by the message or topic, not verified
    installation_id BIGINT,
    boot            BIGINT,
    seq             BIGINT,
    raw             BYTEA       NOT NULL,                    -- the envelope exactly as received
    raw_sha256      TEXT        NOT NULL,                    -- lowercase hex SHA-256 of raw
    CONSTRAINT quarantine_once UNIQUE (raw_sha256, reason),
    CONSTRAINT quarantine_stage CHECK (stage IN ('ingest', 'verify')),
    CONSTRAINT quarantine_sha_hex CHECK (raw_sha256 ~ '^[0-9a-f]{64}$')
);
CREATE INDEX quarantine_device ON quarantine (device_id, received_at DESC);
CREATE INDEX quarantine_reason ON quarantine (reason, received_at DESC);

-- Device connection state from MQTT birth / last-will messages.
CREATE TABLE device_status (
    device_id       TEXT        PRIMARY KEY,
    state           TEXT        NOT NULL,                    -- online | offline
    boot            BIGINT,
    payload         TEXT,
    changed_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Evidence is never deleted.
CREATE FUNCTION refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'rows of % are evidence and are never deleted', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER readings_no_delete BEFORE DELETE ON readings
    FOR EACH ROW EXECUTE FUNCTION refuse_delete();
CREATE TRIGGER reading_conflicts_no_delete BEFORE DELETE ON reading_conflicts
    FOR EACH ROW EXECUTE FUNCTION refuse_delete();
CREATE TRIGGER quarantine_no_delete BEFORE DELETE ON quarantine
    FOR EACH ROW EXECUTE FUNCTION refuse_delete();
CREATE TRIGGER installation_keys_no_delete BEFORE DELETE ON installation_keys
    FOR EACH ROW EXECUTE FUNCTION refuse_delete();
