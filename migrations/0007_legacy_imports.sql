-- Databases of an earlier Justice Companion release read into this one (see docs/upgrading.md).
-- One row per import that wrote accounts (outcome 'imported'), and per source the app refused at
-- startup (outcome 'refused': it is not tried again until the file changes). A source whose
-- content (source_sha256: the database file, and its -wal when there is one) was imported
-- before is not imported again, from whatever path. Times are ms since the epoch, UTC.
CREATE TABLE legacy_imports (
  id                INTEGER PRIMARY KEY,
  outcome           TEXT    NOT NULL CHECK (outcome IN ('imported', 'refused')),
  source_path       TEXT    NOT NULL,
  source_bytes      INTEGER NOT NULL CHECK (source_bytes >= 0),
  source_mtime      INTEGER NOT NULL,
  source_sha256     TEXT    CHECK (source_sha256 IS NULL OR length(source_sha256) = 64),
  at                INTEGER NOT NULL,
  imported_by       TEXT    NOT NULL,
  refusal           TEXT,
  ids_kept          INTEGER NOT NULL DEFAULT 0 CHECK (ids_kept IN (0, 1)),
  imported          INTEGER NOT NULL DEFAULT 0,
  already_present   INTEGER NOT NULL DEFAULT 0,
  conflicts         INTEGER NOT NULL DEFAULT 0,
  malformed         INTEGER NOT NULL DEFAULT 0,
  grandfathered     INTEGER NOT NULL DEFAULT 0,
  old_sessions      INTEGER NOT NULL DEFAULT 0,
  old_sessions_live INTEGER NOT NULL DEFAULT 0,
  CHECK (outcome = 'refused' OR source_sha256 IS NOT NULL)
) STRICT;

CREATE INDEX legacy_imports_sha256 ON legacy_imports (source_sha256);

-- Which account came from which earlier account: the earlier app's other tables (cases.user_id…)
-- name legacy_id, and an account imported before is "already present", not a conflict, when a
-- later import meets it again. legacy_created_at: the earlier row's creation time (NULL: unreadable).
CREATE TABLE legacy_accounts (
  user_id           INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  import_id         INTEGER NOT NULL REFERENCES legacy_imports (id),
  legacy_id         INTEGER NOT NULL,
  legacy_username   TEXT    NOT NULL,
  legacy_created_at INTEGER
) STRICT;

CREATE INDEX legacy_accounts_import_id ON legacy_accounts (import_id);
