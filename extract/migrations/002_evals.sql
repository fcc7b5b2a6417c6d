-- 002: eval runs, their scores and every match decision, for `sitrep eval compare`.
CREATE TABLE eval_runs (
    eval_id        VARCHAR PRIMARY KEY,
    gold_dir       VARCHAR NOT NULL,
    provider       VARCHAR NOT NULL,
    model          VARCHAR NOT NULL,
    prompt_version VARCHAR NOT NULL,
    prompt_hash    VARCHAR NOT NULL,
    schema_version INTEGER NOT NULL,
    repeats        INTEGER NOT NULL,
    documents      INTEGER NOT NULL,
    started_at     TIMESTAMP NOT NULL,
    finished_at    TIMESTAMP NOT NULL,
    summary        JSON NOT NULL
);

CREATE TABLE eval_scores (
    eval_id VARCHAR NOT NULL, scope VARCHAR NOT NULL,   -- 'set' or a gold document id
    mode VARCHAR NOT NULL, record_type VARCHAR NOT NULL, -- strict|lenient; actors … micro
    tp INTEGER, fp INTEGER, fn INTEGER, precision DOUBLE, recall DOUBLE, f1 DOUBLE,
    PRIMARY KEY (eval_id, scope, mode, record_type)
);

CREATE TABLE eval_matches (
    eval_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, record_type VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,        -- tp | fp | fn | optional
    match_key VARCHAR NOT NULL,      -- readable key, stable across runs, for compare
    predicted JSON, gold JSON, confidence DOUBLE, grounded BOOLEAN
);
