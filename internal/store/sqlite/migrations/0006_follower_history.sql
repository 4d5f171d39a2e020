-- Follower-count history, one row per account and calendar DAY (UTC) on
-- which its follower count changed: the count at the end of that day (or
-- as last written). Nothing finer than a day is kept, and no row names a
-- follower. A day without a row means "unchanged since the previous row".
-- An account's history begins with 0 on its creation day; accounts that
-- exist when this migration runs begin with their current count today,
-- and nothing before that is known.
CREATE TABLE follower_counts (
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    day        TEXT    NOT NULL CHECK (length(day) = 10),
    followers  INTEGER NOT NULL,
    PRIMARY KEY (account_id, day)
) WITHOUT ROWID;

INSERT INTO follower_counts (account_id, day, followers)
    SELECT id, date('now'), followers_count FROM accounts WHERE deleted = 0;
