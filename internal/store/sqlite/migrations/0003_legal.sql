-- Legal demand registry (operators only). Every date is a calendar day:
-- the registry records the operator's legal process, not users' activity.
-- Document bytes live here, beside their SHA-256, so a backup of the
-- database is a backup of the registry.

CREATE TABLE legal_demands (
    id              INTEGER PRIMARY KEY,
    agency          TEXT    NOT NULL,
    office          TEXT    NOT NULL DEFAULT '',
    agent           TEXT    NOT NULL DEFAULT '',
    authority       TEXT    NOT NULL,
    process_type    TEXT    NOT NULL,
    delivery_method TEXT    NOT NULL,
    received_on     TEXT    NOT NULL CHECK (length(received_on) = 10),
    deadline_on     TEXT    NOT NULL DEFAULT '' CHECK (deadline_on = '' OR length(deadline_on) = 10),
    data_requested  TEXT    NOT NULL DEFAULT '',
    gagged          INTEGER NOT NULL DEFAULT 0,
    gag_ends_on     TEXT    NOT NULL DEFAULT '' CHECK (gag_ends_on = '' OR length(gag_ends_on) = 10),
    court           TEXT    NOT NULL DEFAULT '',
    case_number     TEXT    NOT NULL DEFAULT '',
    status          TEXT    NOT NULL,
    notes           TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE legal_demand_targets (
    demand_id  INTEGER NOT NULL REFERENCES legal_demands (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    PRIMARY KEY (demand_id, account_id)
) WITHOUT ROWID;

CREATE TABLE legal_demand_events (
    id        INTEGER PRIMARY KEY,
    demand_id INTEGER NOT NULL REFERENCES legal_demands (id) ON DELETE CASCADE,
    status    TEXT    NOT NULL,
    on_day    TEXT    NOT NULL CHECK (length(on_day) = 10),
    note      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX legal_demand_events_by_demand ON legal_demand_events (demand_id, id);

CREATE TABLE legal_demand_documents (
    id         INTEGER PRIMARY KEY,
    demand_id  INTEGER NOT NULL REFERENCES legal_demands (id) ON DELETE CASCADE,
    name       TEXT    NOT NULL,
    media_type TEXT    NOT NULL,
    size       INTEGER NOT NULL,
    sha256     TEXT    NOT NULL,
    added_on   TEXT    NOT NULL CHECK (length(added_on) = 10),
    content    BLOB    NOT NULL
);
CREATE INDEX legal_demand_documents_by_demand ON legal_demand_documents (demand_id, id);

-- One row per notified (demand, account): a notice goes out exactly once.
CREATE TABLE legal_demand_notices (
    demand_id  INTEGER NOT NULL REFERENCES legal_demands (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL,
    sent_on    TEXT    NOT NULL CHECK (length(sent_on) = 10),
    status_id  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (demand_id, account_id)
) WITHOUT ROWID;
