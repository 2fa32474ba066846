-- Failed sign-ins per account name, kept in SQLite so a restart does not reset a lock-out.
-- Keyed by the typed name whether or not an account exists, so a lock-out reveals nothing.
CREATE TABLE login_throttle (
  username        TEXT    PRIMARY KEY COLLATE NOCASE,
  failures        INTEGER NOT NULL CHECK (failures >= 0),
  locked_until    INTEGER NOT NULL DEFAULT 0,
  last_failure_at INTEGER NOT NULL
) STRICT;
