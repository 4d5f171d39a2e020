-- Core schema. No column may hold an IP address, user agent, email, or a
-- time finer than a day attached to an account, token or follow
-- (DESIGN.md, "Data we never store"). Status IDs encode their post time.

CREATE TABLE accounts (
    id               INTEGER PRIMARY KEY,
    handle           TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    display_name     TEXT    NOT NULL DEFAULT '',
    note             TEXT    NOT NULL DEFAULT '',
    fields           TEXT    NOT NULL DEFAULT '[]',
    hide_collections INTEGER NOT NULL DEFAULT 0,
    bot              INTEGER NOT NULL DEFAULT 0,
    admin            INTEGER NOT NULL DEFAULT 0,
    suspended        INTEGER NOT NULL DEFAULT 0,
    deleted          INTEGER NOT NULL DEFAULT 0,
    passphrase_hash  TEXT    NOT NULL DEFAULT '',
    created_on       TEXT    NOT NULL CHECK (length(created_on) = 10),
    followers_count  INTEGER NOT NULL DEFAULT 0,
    following_count  INTEGER NOT NULL DEFAULT 0,
    statuses_count   INTEGER NOT NULL DEFAULT 0,
    last_status_id   INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE statuses (
    id                     INTEGER PRIMARY KEY,
    account_id             INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    text                   TEXT    NOT NULL,
    content                TEXT    NOT NULL,
    spoiler_text           TEXT    NOT NULL DEFAULT '',
    sensitive              INTEGER NOT NULL DEFAULT 0,
    visibility             TEXT    NOT NULL CHECK (visibility IN ('public', 'unlisted', 'private', 'direct')),
    language               TEXT    NOT NULL DEFAULT '',
    in_reply_to_id         INTEGER,
    in_reply_to_account_id INTEGER,
    replies_count          INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX statuses_by_account ON statuses (account_id, id);
CREATE INDEX statuses_by_parent ON statuses (in_reply_to_id) WHERE in_reply_to_id IS NOT NULL;
CREATE INDEX statuses_public ON statuses (id) WHERE visibility = 'public';

CREATE TABLE status_mentions (
    status_id  INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL,
    PRIMARY KEY (status_id, account_id)
) WITHOUT ROWID;
CREATE INDEX status_mentions_by_account ON status_mentions (account_id, status_id);

CREATE TABLE status_tags (
    status_id INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    name      TEXT    NOT NULL,
    PRIMARY KEY (status_id, name)
) WITHOUT ROWID;
CREATE INDEX status_tags_by_name ON status_tags (name, status_id);

CREATE TABLE idempotency_keys (
    account_id INTEGER NOT NULL,
    key        TEXT    NOT NULL,
    status_id  INTEGER NOT NULL REFERENCES statuses (id) ON DELETE CASCADE,
    PRIMARY KEY (account_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_by_status ON idempotency_keys (status_id);

-- A follow's ID is a plain sequence number: it orders lists without dating them.
CREATE TABLE follows (
    id          INTEGER PRIMARY KEY,
    follower_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    target_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    UNIQUE (follower_id, target_id)
);
CREATE INDEX follows_by_target ON follows (target_id, id);
CREATE INDEX follows_by_follower ON follows (follower_id, id);

CREATE TABLE apps (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    website       TEXT NOT NULL DEFAULT '',
    redirect_uris TEXT NOT NULL,
    scopes        TEXT NOT NULL,
    client_id     TEXT NOT NULL UNIQUE,
    client_secret TEXT NOT NULL
);

CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,
    app_id     INTEGER NOT NULL REFERENCES apps (id) ON DELETE CASCADE,
    account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    scopes     TEXT NOT NULL,
    created_on TEXT NOT NULL CHECK (length(created_on) = 10)
) WITHOUT ROWID;
CREATE INDEX tokens_by_account ON tokens (account_id);

CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;

-- Home timelines read each followed account's non-direct statuses by ID.
CREATE INDEX statuses_home ON statuses (account_id, id) WHERE visibility <> 'direct';
