-- chain-listener-service: where the listener stands on the chain and what it saw there.
-- A scope is one anchoring contract on one chain: "<chain id>:<contract address, lowercase 0x hex>".

-- The cursor: the last block whose events were fully handled. A restart resumes at block_number + 1.
CREATE TABLE chain_listener_cursors (
    id                BIGSERIAL   PRIMARY KEY,
    scope             TEXT        NOT NULL UNIQUE,
    chain_id          BIGINT      NOT NULL,
    contract_address  TEXT        NOT NULL,                 -- 0x + 40 lowercase hex
    genesis_hash      TEXT        NOT NULL,                 -- block 0 hash: a different one means the chain was reset
    block_number      BIGINT      NOT NULL,                 -- last processed block; start block - 1 before the first range
    block_hash        TEXT,                                 -- its hash (0x + 64 hex); NULL only before block 0
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Hashes of recently processed range ends: after a reorganisation the listener rewinds to the newest one that is
-- still on the canonical chain (the common ancestor). Pruned to the configured history length.
CREATE TABLE chain_listener_blocks (
    id                BIGSERIAL   PRIMARY KEY,
    scope             TEXT        NOT NULL,
    block_number      BIGINT      NOT NULL,
    block_hash        TEXT        NOT NULL,
    recorded_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (scope, block_number)
);

-- Every BatchAnchored event on the canonical chain and what the listener did with it.
CREATE TABLE chain_listener_batches (
    id                 BIGSERIAL   PRIMARY KEY,
    scope              TEXT        NOT NULL,
    batch_id           BIGINT      NOT NULL,
    onchain_root       TEXT        NOT NULL,                -- merkleRoot of the event, 0x + 64 hex
    sealed_root        TEXT,                                -- merkle_root of the sealed batch from query-service
    reading_count      INTEGER     NOT NULL,
    first_reading_time BIGINT      NOT NULL,                -- Unix s
    last_reading_time  BIGINT      NOT NULL,                -- Unix s
    workflow_id        TEXT        NOT NULL,                -- 0x + 64 hex
    tx_hash            TEXT        NOT NULL,
    block_number       BIGINT      NOT NULL,
    block_hash         TEXT        NOT NULL,
    log_index          INTEGER     NOT NULL,
    status             TEXT        NOT NULL CHECK (status IN ('MARKED', 'ROOT_MISMATCH')),
    marked_count       INTEGER,                             -- readings marked by query-service (MARKED only)
    handled_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (scope, batch_id)
);
CREATE INDEX chain_listener_batches_block ON chain_listener_batches (scope, block_number);

-- Installation key events (InstallationRegistered, DeviceKeyRotated) on the canonical chain.
CREATE TABLE chain_listener_key_events (
    id                 BIGSERIAL   PRIMARY KEY,
    scope              TEXT        NOT NULL,
    kind               TEXT        NOT NULL CHECK (kind IN ('INSTALLATION_REGISTERED', 'DEVICE_KEY_ROTATED')),
    installation_id    BIGINT      NOT NULL,
    device_id          TEXT        NOT NULL,                -- 16 hex
    previous_device_id TEXT,                                -- 16 hex, rotations only
    meter_id           TEXT        NOT NULL,                -- 12 hex (Shelly MAC)
    public_key         TEXT        NOT NULL,                -- 128 hex, X || Y
    tx_hash            TEXT        NOT NULL,
    block_number       BIGINT      NOT NULL,
    block_hash         TEXT        NOT NULL,
    log_index          INTEGER     NOT NULL,
    recorded_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    UNIQUE (scope, block_number, log_index)
);
CREATE INDEX chain_listener_key_events_installation ON chain_listener_key_events (scope, installation_id, block_number);
