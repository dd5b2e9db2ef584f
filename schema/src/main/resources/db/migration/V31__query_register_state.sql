-- query-service owns this column: it alone writes it, while it rebuilds the energy rollups of a reading's
-- neighbourhood (EnergyBooker's register rules, query-service README "Energy"). verify-service never writes it;
-- the API, the CSV export and the dashboard show it.
-- Numbered V31, above every applied version (V30).
-- NULL = an ordinary reading. 'glitch' = the register dropped and came back to about its previous level (no energy
-- booked for the drop or the jump back); 'held' = the register dropped and no later reading has decided yet between
-- a glitch and a restart (nothing booked for it yet); 'excess' = the register rose by more than the installation's
-- capacity could produce in that time, and the excess was not booked.
ALTER TABLE readings ADD COLUMN IF NOT EXISTS register_state TEXT;
ALTER TABLE readings DROP CONSTRAINT IF EXISTS readings_register_state_known;
ALTER TABLE readings ADD CONSTRAINT readings_register_state_known
    CHECK (register_state IS NULL OR register_state IN ('glitch', 'held', 'excess'));
COMMENT ON COLUMN readings.register_state IS
    'NULL, glitch, held or excess: what the energy booking made of the register (query-service README, Energy); written by query-service';
