-- WattWitness core schema: installations and device keys, readings, quarantine, device status.
-- Nothing is ever deleted: rows change state, they do not disappear.

CREATE TABLE installations (
    id              BIGSERIAL PRIMARY KEY,
    name            TEXT        NOT NULL,
    shelly_mac      CHAR(12)    NOT NULL UNIQUE,            -- meter MAC, 12 lowercase hex
    public_key      CHAR(128)   NOT NULL,                   -- current device key X||Y, lowercase hex
    device_id       CHAR(16)    NOT NULL UNIQUE,            -- first 8 bytes of SHA-256(key), lowercase hex
    timezone        TEXT        NOT NULL DEFAULT 'UTC',     -- IANA zone
    latitude        DOUBLE PRECISION,
    longitude       DOUBLE PRECISION,
    capacity_w      DOUBLE PRECISION,
    is_active       BOOLEAN     NOT NULL DEFAULT TRUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Every key an installation ever had; readings signed by a retired key still verify.
CREATE TABLE installation_keys (
    id              BIGSERIAL PRIMARY KEY,
    installation_id BIGINT      NOT NULL REFERENCES installations (id),
    public_key      CHAR(128)   NOT NULL,
    device_id       CHAR(16)    NOT NULL UNIQUE,
    valid_from      TIMESTAMPTZ NOT NULL DEFAULT now(),
    retired_at      TIMESTAMPTZ
);
CREATE INDEX installation_keys_installation ON installation_keys (installation_id);

-- Per-device replay state: the highest boot counter seen (rollback detection).
CREATE TABLE devices (
    device_id       CHAR(16)    PRIMARY KEY,
    installation_id BIGINT      REFERENCES installations (id),
    highest_boot    BIGINT      NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Verified readings (also disputed and anomalous ones: all signed by a registered key).
CREATE TABLE readings (
    id                      BIGSERIAL PRIMARY KEY,
    installation_id         BIGINT      NOT NULL REFERENCES installations (id),
    device_id               CHAR(16)    NOT NULL,
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
    is_verified             BOOLEAN     NOT NULL,
    verification_error      TEXT,                            -- anomaly or dispute reason, null when clean
    received_at             TIMESTAMPTZ NOT NULL,
    verified_at             TIMESTAMPTZ NOT NULL,
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    batch_id                BIGINT,
    is_on_chain             BOOLEAN     NOT NULL DEFAULT FALSE,
    blockchain_tx_hash      TEXT,
    blockchain_block_number BIGINT,
    CONSTRAINT readings_identity UNIQUE (device_id, boot, seq),
    CONSTRAINT readings_status CHECK (status IN ('verified', 'disputed', 'anomaly'))
);
CREATE INDEX readings_installation_time ON readings (installation_id, timestamp_ms DESC);
CREATE INDEX readings_unbatched ON readings (id) WHERE batch_id IS NULL AND status = 'verified';

-- A second, different, validly signed message for an identity already stored (equivocation).
CREATE TABLE reading_conflicts (
    id              BIGSERIAL PRIMARY KEY,
    reading_id      BIGINT      NOT NULL REFERENCES readings (id),
    message         BYTEA       NOT NULL,
    signature       BYTEA       NOT NULL,
    received_at     TIMESTAMPTZ NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT reading_conflicts_unique UNIQUE (reading_id, message)
);

-- Everything that could not be accepted, with its reason and the raw envelope.
CREATE TABLE quarantine (
    id              BIGSERIAL PRIMARY KEY,
    received_at     TIMESTAMPTZ NOT NULL,
    quarantined_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    source          TEXT        NOT NULL,                    -- mqtt | http
    stage           TEXT        NOT NULL,                    -- ingest | verify
    reason          TEXT        NOT NULL,                    -- machine-readable code
    detail          TEXT,
    device_id       CHAR(16),
    installation_id BIGINT,
    boot            BIGINT,
    seq             BIGINT,
    raw             BYTEA       NOT NULL,                    -- the envelope exactly as received
    raw_sha256      CHAR(64)    NOT NULL,
    CONSTRAINT quarantine_once UNIQUE (raw_sha256, reason)
);
CREATE INDEX quarantine_device ON quarantine (device_id, received_at DESC);

-- Device connection state from MQTT birth / last-will messages.
CREATE TABLE device_status (
    device_id       CHAR(16)    PRIMARY KEY,
    state           TEXT        NOT NULL,                    -- online | offline
    boot            BIGINT,
    payload         TEXT,
    changed_at      TIMESTAMPTZ NOT NULL,
    updated_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
