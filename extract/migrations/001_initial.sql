-- 001: documents, runs, the four record tables, evidence, latest_* views.
CREATE TABLE documents (
    doc_id      VARCHAR PRIMARY KEY,      -- first 16 hex of sha256(text)
    sha256      VARCHAR NOT NULL UNIQUE,
    source      VARCHAR,
    title       VARCHAR,
    language    VARCHAR,
    published   VARCHAR,                  -- partial ISO date
    chars       INTEGER NOT NULL,
    text        VARCHAR NOT NULL,
    added_at    TIMESTAMP NOT NULL DEFAULT current_timestamp
);

CREATE TABLE runs (
    run_id            VARCHAR PRIMARY KEY,  -- hash of run_key: same doc+provider+model+prompt+schema = same run
    doc_id            VARCHAR NOT NULL REFERENCES documents(doc_id),
    provider          VARCHAR NOT NULL,
    model             VARCHAR NOT NULL,
    prompt_version    VARCHAR NOT NULL,
    prompt_hash       VARCHAR NOT NULL,
    schema_version    INTEGER NOT NULL,
    params            JSON,
    started_at        TIMESTAMP NOT NULL,
    finished_at       TIMESTAMP,
    calls             INTEGER,
    prompt_tokens     INTEGER,
    completion_tokens INTEGER,
    latency_s         DOUBLE,
    status            VARCHAR NOT NULL,     -- ok | failed
    error             VARCHAR
);

CREATE TABLE actors (
    run_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, idx INTEGER NOT NULL,
    name VARCHAR NOT NULL, aliases VARCHAR[], kind VARCHAR NOT NULL, country VARCHAR, role VARCHAR,
    confidence DOUBLE, grounded BOOLEAN, record JSON,
    PRIMARY KEY (run_id, idx)
);

CREATE TABLE transfers (
    run_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, idx INTEGER NOT NULL,
    supplier VARCHAR, recipient VARCHAR, weapon VARCHAR, category VARCHAR,
    quantity_min BIGINT, quantity_max BIGINT, quantity_text VARCHAR,
    status VARCHAR, certainty VARCHAR, when_start VARCHAR, when_end VARCHAR,
    confidence DOUBLE, grounded BOOLEAN, record JSON,
    PRIMARY KEY (run_id, idx)
);

CREATE TABLE meetings (
    run_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, idx INTEGER NOT NULL,
    participants VARCHAR[], place VARCHAR, country VARCHAR, when_start VARCHAR, when_end VARCHAR,
    format VARCHAR, topics VARCHAR[], certainty VARCHAR,
    confidence DOUBLE, grounded BOOLEAN, record JSON,
    PRIMARY KEY (run_id, idx)
);

CREATE TABLE deployments (
    run_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, idx INTEGER NOT NULL,
    sender VARCHAR, host VARCHAR, forces VARCHAR, place VARCHAR, country VARCHAR,
    size_min BIGINT, size_max BIGINT, size_text VARCHAR,
    killed_min BIGINT, killed_max BIGINT, killed_text VARCHAR,
    when_start VARCHAR, when_end VARCHAR, certainty VARCHAR,
    confidence DOUBLE, grounded BOOLEAN, record JSON,
    PRIMARY KEY (run_id, idx)
);

CREATE TABLE evidence (
    run_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL,
    record_type VARCHAR NOT NULL, record_idx INTEGER NOT NULL, quote_idx INTEGER NOT NULL,
    quote VARCHAR NOT NULL, start_char INTEGER, end_char INTEGER,
    method VARCHAR NOT NULL, grounded BOOLEAN NOT NULL,
    PRIMARY KEY (run_id, record_type, record_idx, quote_idx)
);

-- Newest successful run per document, whatever produced it.
CREATE VIEW latest_runs AS
SELECT * FROM runs WHERE status = 'ok'
QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY finished_at DESC, run_id) = 1;

CREATE VIEW latest_actors AS SELECT t.* FROM actors t JOIN latest_runs USING (run_id);
CREATE VIEW latest_transfers AS SELECT t.* FROM transfers t JOIN latest_runs USING (run_id);
CREATE VIEW latest_meetings AS SELECT t.* FROM meetings t JOIN latest_runs USING (run_id);
CREATE VIEW latest_deployments AS SELECT t.* FROM deployments t JOIN latest_runs USING (run_id);
CREATE VIEW latest_evidence AS SELECT t.* FROM evidence t JOIN latest_runs USING (run_id);
