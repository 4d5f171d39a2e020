-- Verifiable membership. Field elements are 32-byte big-endian BLOBs.
-- Nothing here links a leaf (a member's commitment) to an account: badges
-- and post proofs carry only nullifiers. Leaves carry no date; roots carry
-- only a day.

CREATE TABLE membership_groups (
    id           INTEGER PRIMARY KEY,
    slug         TEXT    NOT NULL UNIQUE,
    name         TEXT    NOT NULL,
    description  TEXT    NOT NULL DEFAULT '',
    created_on   TEXT    NOT NULL CHECK (length(created_on) = 10),
    leaf_count   INTEGER NOT NULL DEFAULT 0,
    member_count INTEGER NOT NULL DEFAULT 0,
    version      INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE membership_verifiers (
    group_id   INTEGER NOT NULL REFERENCES membership_groups (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, account_id)
) WITHOUT ROWID;

-- A removed member's commitment is erased (NULL); its index stays used.
CREATE TABLE membership_leaves (
    group_id   INTEGER NOT NULL REFERENCES membership_groups (id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    commitment BLOB CHECK (commitment IS NULL OR length(commitment) = 32),
    PRIMARY KEY (group_id, idx)
) WITHOUT ROWID;
CREATE UNIQUE INDEX membership_leaves_commitment ON membership_leaves (group_id, commitment)
    WHERE commitment IS NOT NULL;

-- Every root the tree has had; seq is the group's version after the change
-- of leaf leaf_idx (nodes replay changes from here instead of reloading).
CREATE TABLE membership_roots (
    group_id   INTEGER NOT NULL REFERENCES membership_groups (id) ON DELETE CASCADE,
    seq        INTEGER NOT NULL,
    leaf_idx   INTEGER NOT NULL,
    root       BLOB    NOT NULL CHECK (length(root) = 32),
    size       INTEGER NOT NULL,
    created_on TEXT    NOT NULL CHECK (length(created_on) = 10),
    PRIMARY KEY (group_id, seq)
) WITHOUT ROWID;
CREATE INDEX membership_roots_by_root ON membership_roots (group_id, root, seq);

-- One badge per member (nullifier) and per account in each group.
CREATE TABLE membership_badges (
    group_id   INTEGER NOT NULL REFERENCES membership_groups (id) ON DELETE CASCADE,
    nullifier  BLOB    NOT NULL CHECK (length(nullifier) = 32),
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    root       BLOB    NOT NULL CHECK (length(root) = 32),
    created_on TEXT    NOT NULL CHECK (length(created_on) = 10),
    PRIMARY KEY (group_id, nullifier),
    UNIQUE (account_id, group_id)
) WITHOUT ROWID;

CREATE TABLE membership_post_proofs (
    status_id   INTEGER PRIMARY KEY REFERENCES statuses (id) ON DELETE CASCADE,
    group_id    INTEGER NOT NULL REFERENCES membership_groups (id) ON DELETE CASCADE,
    root        BLOB    NOT NULL CHECK (length(root) = 32),
    nullifier   BLOB    NOT NULL CHECK (length(nullifier) = 32),
    scope       BLOB    NOT NULL CHECK (length(scope) = 32),
    scope_nonce TEXT    NOT NULL,
    message     BLOB    NOT NULL CHECK (length(message) = 32),
    proof       BLOB    NOT NULL,
    UNIQUE (group_id, nullifier)
);
