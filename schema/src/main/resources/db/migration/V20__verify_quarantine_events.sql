-- verify-service: quarantine rows are rejection events, stored once each.
-- event_key is the lowercase hex SHA-256 of (stage, reason, received_at ms, source, topic, device_id, raw_sha256):
-- a Kafka redelivery of the same record (same receive-time header) is stored once, while the same bytes received
-- again later, or claimed by another device, get their own row. (V1's (raw_sha256, reason) kept only the first
-- device that ever sent a given malformed payload.)

ALTER TABLE quarantine ADD COLUMN event_key TEXT;
UPDATE quarantine SET event_key = encode(sha256(convert_to(concat_ws(E'\n', stage, reason,
    (EXTRACT(EPOCH FROM received_at) * 1000)::bigint::text, coalesce(source, 'null'), coalesce(topic, 'null'),
    coalesce(device_id, 'null'), raw_sha256), 'UTF8')), 'hex');
ALTER TABLE quarantine ALTER COLUMN event_key SET NOT NULL;
ALTER TABLE quarantine DROP CONSTRAINT quarantine_once;
ALTER TABLE quarantine ADD CONSTRAINT quarantine_once UNIQUE (event_key);
ALTER TABLE quarantine ADD CONSTRAINT quarantine_event_key_hex CHECK (event_key ~ '^[0-9a-f]{64}$');
CREATE INDEX quarantine_raw ON quarantine (raw_sha256);
