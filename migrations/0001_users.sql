-- Local accounts. Usernames are ASCII (see accounts/username.ts), so NOCASE makes them
-- unique case-insensitively. password_hash is an argon2id PHC string.
CREATE TABLE users (
  id                  INTEGER PRIMARY KEY,
  username            TEXT    NOT NULL COLLATE NOCASE UNIQUE,
  password_hash       TEXT    NOT NULL,
  is_active           INTEGER NOT NULL DEFAULT 1 CHECK (is_active IN (0, 1)),
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL
) STRICT;
