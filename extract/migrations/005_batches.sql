-- 005: OpenAI Batch API submissions and every request in them, so collecting is resumable:
-- answers are kept per request, and a run already stored is never stored twice.
CREATE TABLE batches (
    batch_id      VARCHAR PRIMARY KEY,     -- the server's batch id
    parent_id     VARCHAR,                 -- the batch whose unanswered follow-ups this one carries
    provider      VARCHAR NOT NULL,
    model         VARCHAR NOT NULL,
    base_url      VARCHAR,                 -- no credentials (safe_url)
    input_file_id VARCHAR NOT NULL,
    status        VARCHAR NOT NULL,        -- the server's last known status, or 'collected'
    requests      INTEGER NOT NULL,
    settings      JSON NOT NULL,           -- pipeline options: the run identity depends on them
    submitted_at  TIMESTAMP NOT NULL,
    collected_at  TIMESTAMP
);

CREATE TABLE batch_requests (
    batch_id    VARCHAR NOT NULL,
    custom_id   VARCHAR NOT NULL,
    run_id      VARCHAR NOT NULL,           -- the run this request is part of (same id as a live run)
    doc_id      VARCHAR NOT NULL,
    request_sha VARCHAR NOT NULL,           -- sha256 of the request as the pipeline made it
    body        JSON NOT NULL,
    answer      JSON,                       -- the ChatCompletion, once collected
    error       VARCHAR,
    PRIMARY KEY (batch_id, custom_id)
);
