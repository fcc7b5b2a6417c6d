-- 003: a run whose invalid records were dropped (status 'partial', the drops listed in runs.error)
-- still counts as the document's newest result.
CREATE OR REPLACE VIEW latest_runs AS
SELECT * FROM runs WHERE status IN ('ok', 'partial')
QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY finished_at DESC, run_id) = 1;
