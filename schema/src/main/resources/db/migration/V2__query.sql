-- query-service: energy rollups and sealed batches.

-- Energy booked per installation and 5-minute slot (UTC-aligned, epoch ms multiple of 300000).
-- 5 minutes divide 10-minute chart buckets, hours and every current IANA UTC offset (multiples of 15 min),
-- so every chart bucket of every time frame is an exact sum of slots. Rows are recomputed from raw readings
-- (overwritten, never incremented), which makes re-delivered and late readings idempotent.
CREATE TABLE energy_slots (
    installation_id   BIGINT      NOT NULL REFERENCES installations (id),
    slot_ms           BIGINT      NOT NULL,                  -- slot start, Unix ms UTC
    energy_mwh        BIGINT      NOT NULL,                  -- energy booked into the slot, mWh
    estimated         BOOLEAN     NOT NULL,                  -- part of the slot lies in a gap or was integrated from power
    reading_count     INTEGER     NOT NULL,                  -- readings whose time falls in the slot
    first_ms          BIGINT,                                -- first reading time in the slot
    first_energy_mwh  BIGINT,                                -- its register
    last_ms           BIGINT,                                -- last reading time in the slot
    last_energy_mwh   BIGINT,                                -- its register
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (installation_id, slot_ms)
);

-- Immutable numbered batches of verified readings, what the Chainlink workflow anchors.
CREATE TABLE batches (
    id                      BIGINT      PRIMARY KEY,         -- sequential from 1, assigned under batch_sealer's row lock
    merkle_root             BYTEA       NOT NULL,            -- 32 bytes, reading-format SPEC.md section 5
    reading_count           INTEGER     NOT NULL,
    first_reading_id        BIGINT      NOT NULL,
    last_reading_id         BIGINT      NOT NULL,
    first_reading_ms        BIGINT      NOT NULL,            -- earliest reading time in the batch, Unix ms
    last_reading_ms         BIGINT      NOT NULL,            -- latest reading time in the batch, Unix ms
    sealed_at               TIMESTAMPTZ NOT NULL DEFAULT now(),
    is_on_chain             BOOLEAN     NOT NULL DEFAULT FALSE,
    blockchain_tx_hash      TEXT,
    blockchain_block_number BIGINT,
    anchored_at             TIMESTAMPTZ
);
CREATE INDEX readings_batch ON readings (batch_id, id) WHERE batch_id IS NOT NULL;
CREATE INDEX readings_pending ON readings (id) WHERE status = 'verified' AND is_on_chain = FALSE;

-- One row; sealers lock it (SELECT ... FOR UPDATE) so two instances never seal the same readings twice.
CREATE TABLE batch_sealer (
    id              INTEGER     PRIMARY KEY CHECK (id = 1),
    last_sealed_at  TIMESTAMPTZ
);
INSERT INTO batch_sealer (id) VALUES (1);
