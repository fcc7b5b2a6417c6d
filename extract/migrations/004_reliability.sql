-- 004: files that never became documents (unreadable, binary, too large), so `sitrep runs` lists them.
CREATE TABLE load_errors (
    source    VARCHAR PRIMARY KEY,
    error     VARCHAR NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
