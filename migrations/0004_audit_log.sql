-- Tamper-evident audit log: each row's hash covers its content and the previous row's hash
-- (HMAC-SHA256 when keyed, SHA-256 otherwise); the head is anchored outside the database.
CREATE TABLE audit_log (
  seq        INTEGER PRIMARY KEY CHECK (seq > 0),
  at         INTEGER NOT NULL,
  event      TEXT    NOT NULL,
  user_id    INTEGER,
  session_id TEXT,
  details    TEXT    NOT NULL,
  keyed      INTEGER NOT NULL CHECK (keyed IN (0, 1)),
  prev_hash  TEXT    NOT NULL,
  hash       TEXT    NOT NULL
) STRICT;
