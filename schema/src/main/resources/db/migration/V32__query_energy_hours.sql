-- query-service: the second rollup level, energy per installation and UTC hour.
-- query-service owns this table: it alone writes it, in the same transaction that rewrites the energy_slots of a
-- range (every hour the range touches is recomputed from its slots), so an hour row is always the exact sum of its
-- twelve 5-minute slots. Numbered V32, above every applied version (V31).
-- Hours, not days: a UTC hour starts on a local day, week and month boundary in every zone whose offset is a whole
-- number of hours, across DST changes too; UTC days do so only for UTC itself, and local days would need a row per
-- zone (a chart's tz can override the installation's). In zones offset by 30 or 45 minutes (India, Nepal, South
-- Australia) the hour around each local boundary is read from energy_slots instead (query-service README, Energy).
CREATE TABLE IF NOT EXISTS energy_hours (
    installation_id   BIGINT      NOT NULL REFERENCES installations (id),
    hour_ms           BIGINT      NOT NULL,                  -- hour start, Unix ms UTC (multiple of 3600000)
    energy_mwh        BIGINT      NOT NULL,                  -- sum of the hour's energy_slots.energy_mwh
    estimated         BOOLEAN     NOT NULL,                  -- any of its slots estimated
    reading_count     INTEGER     NOT NULL,                  -- sum of its slots' reading_count
    PRIMARY KEY (installation_id, hour_ms)
);
COMMENT ON TABLE energy_hours IS
    'Energy per installation and UTC hour, the exact sum of its energy_slots; written by query-service with them';

-- Backfill from the slots written so far.
INSERT INTO energy_hours (installation_id, hour_ms, energy_mwh, estimated, reading_count)
SELECT installation_id, slot_ms - ((slot_ms % 3600000) + 3600000) % 3600000, sum(energy_mwh), bool_or(estimated),
       sum(reading_count)
FROM energy_slots
GROUP BY 1, 2
ON CONFLICT (installation_id, hour_ms) DO UPDATE
    SET energy_mwh = excluded.energy_mwh, estimated = excluded.estimated, reading_count = excluded.reading_count;
