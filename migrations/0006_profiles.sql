-- Display names, one row per user who has set one (no row: none set). A display name is personal
-- data: it lives here only, never in the audit log, and goes with its account (ON DELETE CASCADE).
-- length() counts characters, as the rule does (1 to 100, trimmed, checked by the core).
CREATE TABLE profiles (
  user_id      INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  display_name TEXT    NOT NULL CHECK (length(display_name) BETWEEN 1 AND 100),
  updated_at   INTEGER NOT NULL
) STRICT;
