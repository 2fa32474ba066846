-- Sign-in sessions. Only SHA-256 of the token's secret is stored, never the token.
-- Times are integer milliseconds since the epoch, UTC.
-- expires_at is the absolute cap; idle_expires_at is when the session dies without activity
-- (never later than expires_at), so one indexed column finds every expired row.
CREATE TABLE sessions (
  id              TEXT    PRIMARY KEY CHECK (length(id) = 36),
  user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  secret_hash     BLOB    NOT NULL CHECK (length(secret_hash) = 32),
  created_at      INTEGER NOT NULL,
  last_active_at  INTEGER NOT NULL,
  expires_at      INTEGER NOT NULL,
  idle_expires_at INTEGER NOT NULL CHECK (idle_expires_at <= expires_at),
  remember_me     INTEGER NOT NULL CHECK (remember_me IN (0, 1)),
  device          TEXT    NOT NULL DEFAULT '',
  ip_address      TEXT
) STRICT;

CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);
CREATE INDEX sessions_idle_expires_at ON sessions (idle_expires_at);
