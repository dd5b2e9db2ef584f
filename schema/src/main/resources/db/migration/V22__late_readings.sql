-- verify-service owns this column (it alone writes it; query-service and the dashboard only show it).
-- late = the reading was older than verify-service's age limit (72 h by default) when it was received and was
-- stored because it continues the device's stored sequence (reading-format SPEC.md §8) instead of being
-- quarantined as too_old. A late reading keeps its status (verified, anomaly, disputed) and is anchored like any
-- other verified reading; the flag only says it arrived after the age limit.
ALTER TABLE readings ADD COLUMN late BOOLEAN NOT NULL DEFAULT FALSE;
COMMENT ON COLUMN readings.late IS
    'true when the reading was older than the age limit at receive time and accepted as continuing its device''s sequence (SPEC.md section 8); written by verify-service';
