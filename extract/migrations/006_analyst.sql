-- 006: the analyst layer. Entities across documents, the link of every stored name to its entity
-- (with the rule that put it there), facts consolidated across documents, and evidence views.
-- The tables are rebuilt from the latest_* rows by extract/analyst.py (`sitrep link`; extract,
-- report and export refresh them); the views read them and never drop a record whose link is
-- missing (they fall back to the name as written).

CREATE TABLE entities (
    entity_id     VARCHAR PRIMARY KEY,  -- readable and stable: state:RUS, person:volodimir zelenski, weapon:hwasong-11a
    kind          VARCHAR NOT NULL,     -- an actor kind (state, person, company, …) or 'weapon'
    name          VARCHAR NOT NULL,     -- canonical name
    country       VARCHAR,              -- ISO 3166-1 alpha-3
    category      VARCHAR,              -- weapons only
    surface_forms VARCHAR[],            -- every name and alias seen for it
    rules         VARCHAR[],            -- the rules that linked those forms
    n_mentions    INTEGER NOT NULL,
    n_documents   INTEGER NOT NULL
);

-- One row per stored name: an actor (role 'actor'), a role field of an event (supplier,
-- recipient, participant, sender, host) or a transfer's weapon (role 'weapon').
CREATE TABLE entity_links (
    run_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL,
    record_type VARCHAR NOT NULL, record_idx INTEGER NOT NULL, role VARCHAR NOT NULL, pos INTEGER NOT NULL,
    surface   VARCHAR NOT NULL,         -- the name as stored
    entity_id VARCHAR NOT NULL,
    rule      VARCHAR NOT NULL,         -- iso-country | gazetteer | person-translit | person-surname | shared-alias | …
    detail    VARCHAR,                  -- the rule applied to this form, in words
    PRIMARY KEY (run_id, record_type, record_idx, role, pos)
);

CREATE TABLE facts_transfers (
    fact_id VARCHAR PRIMARY KEY,
    supplier_id VARCHAR, supplier VARCHAR, recipient_id VARCHAR, recipient VARCHAR,
    weapon_id VARCHAR, weapon VARCHAR, category VARCHAR,
    n_sources INTEGER NOT NULL, n_reports INTEGER NOT NULL, doc_ids VARCHAR[],
    first_seen VARCHAR, last_seen VARCHAR,        -- publication dates of the reporting documents
    when_start VARCHAR, when_end VARCHAR,         -- the event window the reports give
    quantity_min BIGINT, quantity_max BIGINT,
    status VARCHAR,                               -- most advanced status reported
    n_confirmed INTEGER, n_reported INTEGER, n_alleged INTEGER, n_denied INTEGER,
    certainty_by_source VARCHAR, disputed BOOLEAN NOT NULL,
    confidence DOUBLE, best_quote VARCHAR, best_doc_id VARCHAR
);

CREATE TABLE facts_meetings (
    fact_id VARCHAR PRIMARY KEY,
    participant_ids VARCHAR[], participants VARCHAR[], place VARCHAR, country VARCHAR, format VARCHAR,
    n_sources INTEGER NOT NULL, n_reports INTEGER NOT NULL, doc_ids VARCHAR[],
    first_seen VARCHAR, last_seen VARCHAR, when_start VARCHAR, when_end VARCHAR,
    n_confirmed INTEGER, n_reported INTEGER, n_alleged INTEGER, n_denied INTEGER,
    certainty_by_source VARCHAR, disputed BOOLEAN NOT NULL,
    confidence DOUBLE, best_quote VARCHAR, best_doc_id VARCHAR
);

CREATE TABLE facts_deployments (
    fact_id VARCHAR PRIMARY KEY,
    sender_id VARCHAR, sender VARCHAR, host_id VARCHAR, host VARCHAR, forces VARCHAR, place VARCHAR, country VARCHAR,
    size_min BIGINT, size_max BIGINT, killed_min BIGINT, killed_max BIGINT,
    n_sources INTEGER NOT NULL, n_reports INTEGER NOT NULL, doc_ids VARCHAR[],
    first_seen VARCHAR, last_seen VARCHAR, when_start VARCHAR, when_end VARCHAR,
    n_confirmed INTEGER, n_reported INTEGER, n_alleged INTEGER, n_denied INTEGER,
    certainty_by_source VARCHAR, disputed BOOLEAN NOT NULL,
    confidence DOUBLE, best_quote VARCHAR, best_doc_id VARCHAR
);

-- Which stored record reports which fact.
CREATE TABLE fact_reports (
    record_type VARCHAR NOT NULL, fact_id VARCHAR NOT NULL,
    run_id VARCHAR NOT NULL, doc_id VARCHAR NOT NULL, record_idx INTEGER NOT NULL,
    PRIMARY KEY (record_type, run_id, record_idx)
);

-- What the analyst tables were built from (a fingerprint of latest_runs), so a refresh that
-- finds nothing new costs one query.
CREATE TABLE analyst_state (
    key VARCHAR PRIMARY KEY, value VARCHAR, built_at TIMESTAMP
);

CREATE VIEW record_quotes AS
SELECT run_id, record_type, record_idx,
       list(quote ORDER BY quote_idx) AS quotes,
       coalesce(first(quote ORDER BY quote_idx) FILTER (WHERE grounded), first(quote ORDER BY quote_idx)) AS quote
FROM evidence GROUP BY ALL;

CREATE VIEW transfers_evidence AS
SELECT t.doc_id, t.run_id, t.idx AS record_idx, fr.fact_id,
       coalesce(es.name, t.supplier) AS supplier, ls.entity_id AS supplier_id,
       coalesce(er.name, t.recipient) AS recipient, lr.entity_id AS recipient_id,
       coalesce(ew.name, t.weapon) AS weapon, lw.entity_id AS weapon_id, t.weapon AS weapon_as_written,
       coalesce(ew.category, t.category) AS category,
       t.quantity_min, t.quantity_max, t.quantity_text, t.status, t.certainty, t.when_start, t.when_end,
       t.confidence, t.grounded, q.quote, q.quotes, d.title, d.source, d.published
FROM latest_transfers t
JOIN documents d USING (doc_id)
LEFT JOIN record_quotes q ON q.run_id = t.run_id AND q.record_type = 'transfers' AND q.record_idx = t.idx
LEFT JOIN entity_links ls ON ls.run_id = t.run_id AND ls.record_type = 'transfers' AND ls.record_idx = t.idx
     AND ls.role = 'supplier'
LEFT JOIN entities es ON es.entity_id = ls.entity_id
LEFT JOIN entity_links lr ON lr.run_id = t.run_id AND lr.record_type = 'transfers' AND lr.record_idx = t.idx
     AND lr.role = 'recipient'
LEFT JOIN entities er ON er.entity_id = lr.entity_id
LEFT JOIN entity_links lw ON lw.run_id = t.run_id AND lw.record_type = 'transfers' AND lw.record_idx = t.idx
     AND lw.role = 'weapon'
LEFT JOIN entities ew ON ew.entity_id = lw.entity_id
LEFT JOIN fact_reports fr ON fr.record_type = 'transfers' AND fr.run_id = t.run_id AND fr.record_idx = t.idx;

CREATE VIEW meetings_evidence AS
WITH parts AS (
    SELECT l.run_id, l.record_idx, list(coalesce(e.name, l.surface) ORDER BY l.pos) AS names,
           list(l.entity_id ORDER BY l.pos) AS ids
    FROM entity_links l LEFT JOIN entities e USING (entity_id)
    WHERE l.record_type = 'meetings' AND l.role = 'participant' GROUP BY ALL
)
SELECT m.doc_id, m.run_id, m.idx AS record_idx, fr.fact_id,
       coalesce(p.names, m.participants) AS participants, p.ids AS participant_ids,
       m.place, m.country, m.format, m.topics, m.certainty, m.when_start, m.when_end,
       m.confidence, m.grounded, q.quote, q.quotes, d.title, d.source, d.published
FROM latest_meetings m
JOIN documents d USING (doc_id)
LEFT JOIN parts p ON p.run_id = m.run_id AND p.record_idx = m.idx
LEFT JOIN record_quotes q ON q.run_id = m.run_id AND q.record_type = 'meetings' AND q.record_idx = m.idx
LEFT JOIN fact_reports fr ON fr.record_type = 'meetings' AND fr.run_id = m.run_id AND fr.record_idx = m.idx;

CREATE VIEW deployments_evidence AS
SELECT t.doc_id, t.run_id, t.idx AS record_idx, fr.fact_id,
       coalesce(es.name, t.sender) AS sender, ls.entity_id AS sender_id,
       coalesce(eh.name, t.host) AS host, lh.entity_id AS host_id,
       t.forces, t.place, t.country, t.size_min, t.size_max, t.size_text, t.killed_min, t.killed_max, t.killed_text,
       t.certainty, t.when_start, t.when_end, t.confidence, t.grounded, q.quote, q.quotes,
       d.title, d.source, d.published
FROM latest_deployments t
JOIN documents d USING (doc_id)
LEFT JOIN record_quotes q ON q.run_id = t.run_id AND q.record_type = 'deployments' AND q.record_idx = t.idx
LEFT JOIN entity_links ls ON ls.run_id = t.run_id AND ls.record_type = 'deployments' AND ls.record_idx = t.idx
     AND ls.role = 'sender'
LEFT JOIN entities es ON es.entity_id = ls.entity_id
LEFT JOIN entity_links lh ON lh.run_id = t.run_id AND lh.record_type = 'deployments' AND lh.record_idx = t.idx
     AND lh.role = 'host'
LEFT JOIN entities eh ON eh.entity_id = lh.entity_id
LEFT JOIN fact_reports fr ON fr.record_type = 'deployments' AND fr.run_id = t.run_id AND fr.record_idx = t.idx;

-- Each stored actor of the newest runs with its entity and the rule that linked it.
CREATE VIEW actor_entities AS
SELECT a.doc_id, a.run_id, a.idx AS record_idx, a.name, a.kind, a.country, l.entity_id, e.name AS entity,
       l.rule, l.detail
FROM latest_actors a
LEFT JOIN entity_links l ON l.run_id = a.run_id AND l.record_type = 'actors' AND l.record_idx = a.idx
     AND l.role = 'actor'
LEFT JOIN entities e ON e.entity_id = l.entity_id;
