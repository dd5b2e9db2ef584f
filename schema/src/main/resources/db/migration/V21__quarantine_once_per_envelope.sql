-- verify-service: from now on event_key is SHA-256 over ("v21", stage, reason, claimed device id, raw_sha256):
-- one row per refused envelope and device, so redeliveries and device resends of the same bytes stay no-ops
-- (V20 keyed on the receive time too, which stored a resent tampered reading twice). Rows written before keep
-- their V20 keys; the "v21" prefix keeps the two key spaces apart. Nothing is deleted.
COMMENT ON COLUMN quarantine.event_key IS
    'SHA-256 hex of "v21", stage, reason, claimed device id and raw_sha256, newline-separated (V20 rows: older key)';
