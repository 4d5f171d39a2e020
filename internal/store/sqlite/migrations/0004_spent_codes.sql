-- Hashes of redeemed OAuth authorization codes, so a code works once even
-- across nodes and restarts. Only the day is kept, and rows go after a day.
CREATE TABLE oauth_spent_codes (
	hash     BLOB PRIMARY KEY,
	spent_on TEXT NOT NULL -- YYYY-MM-DD
) WITHOUT ROWID;
