-- query-service: installation attestation (the certificate chain of the meter's secure element, ATECC608A
-- Trust&GO layout: device certificate, signer, manufacturer root as configured trust anchor).
-- query-service owns these five columns: it alone writes them (POST /api/v1/installations checks the chain and
-- stores the verdict; a key rotation without a new chain clears it). verify-service and the dashboard only read.
-- Numbered V30, above every applied version (V22): Flyway applies migrations in version order, so a query-service
-- migration numbered below an applied one (V3..V9) would be refused on existing databases.
-- The attestation is for the installation's current public_key only; attested = false leaves the others NULL.

ALTER TABLE installations
    ADD COLUMN IF NOT EXISTS attested                   BOOLEAN     NOT NULL DEFAULT FALSE,
    ADD COLUMN IF NOT EXISTS attestation_device_subject TEXT,                  -- device certificate subject, RFC 4514
    ADD COLUMN IF NOT EXISTS attestation_device_serial  TEXT,                  -- its serial, lowercase hex
    ADD COLUMN IF NOT EXISTS attestation_anchor_subject TEXT,                  -- the trust anchor that signed the chain
    ADD COLUMN IF NOT EXISTS attestation_checked_at     TIMESTAMPTZ;           -- when the chain was checked

ALTER TABLE installations DROP CONSTRAINT IF EXISTS installations_attestation_complete;
ALTER TABLE installations ADD CONSTRAINT installations_attestation_complete CHECK (
    (attested AND attestation_device_subject IS NOT NULL AND attestation_device_serial IS NOT NULL
        AND attestation_anchor_subject IS NOT NULL AND attestation_checked_at IS NOT NULL)
    OR (NOT attested AND attestation_device_subject IS NULL AND attestation_device_serial IS NULL
        AND attestation_anchor_subject IS NULL AND attestation_checked_at IS NULL));

COMMENT ON COLUMN installations.attested IS
    'true when the certificate chain sent with the current public_key verified against a configured trust anchor; written by query-service';
COMMENT ON COLUMN installations.attestation_device_subject IS
    'subject (RFC 4514) of the device certificate that attested public_key, NULL when not attested; written by query-service';
COMMENT ON COLUMN installations.attestation_device_serial IS
    'serial number (lowercase hex) of that device certificate, NULL when not attested; written by query-service';
COMMENT ON COLUMN installations.attestation_anchor_subject IS
    'subject (RFC 4514) of the configured trust anchor (manufacturer root) the chain led to, NULL when not attested; written by query-service';
COMMENT ON COLUMN installations.attestation_checked_at IS
    'when query-service checked the chain (every certificate was valid then), NULL when not attested; written by query-service';
