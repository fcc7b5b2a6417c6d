-- 007: the confidence a strategy produced before a calibration map turned it into a probability
-- (extract/calibrate.py; the small strategy's record-feature scores). NULL where no map was applied:
-- the stored confidence is then the raw one. Kept so a map can be refitted or audited from the store.
ALTER TABLE actors ADD COLUMN raw_confidence DOUBLE;
ALTER TABLE transfers ADD COLUMN raw_confidence DOUBLE;
ALTER TABLE meetings ADD COLUMN raw_confidence DOUBLE;
ALTER TABLE deployments ADD COLUMN raw_confidence DOUBLE;
