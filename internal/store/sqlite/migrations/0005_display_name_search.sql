-- Account search matches display-name prefixes through this index, so a
-- search for a rare name reads a few entries, not the whole table.
CREATE INDEX accounts_by_display_name ON accounts (display_name COLLATE NOCASE)
    WHERE deleted = 0 AND suspended = 0;
