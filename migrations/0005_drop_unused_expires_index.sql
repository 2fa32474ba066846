-- No query looks sessions up by their absolute cap: expiry is found through idle_expires_at,
-- which is never later than expires_at. The unused index only made every insert and every
-- deleted row write one more index page, which a large cleanup pays for a million times.
DROP INDEX IF EXISTS sessions_expires_at;
