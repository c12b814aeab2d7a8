-- Where each site's widget was last seen from, and which origins it refused: the console's "last seen"
-- and "refused from origin X" per site (worker/sites/status.ts, docs/sites.md). One row per site and
-- page origin, written by the site guard at most once a minute per site, origin and outcome in each
-- isolate, and at most 50 origins per site (Origin is whatever a client sends, so a stranger could
-- otherwise fill the table). Deleted with the site.
CREATE TABLE site_origins (
  site_key TEXT NOT NULL,
  origin TEXT NOT NULL,
  seen_at INTEGER,     -- last request from this origin the guard let through
  refused_at INTEGER,  -- last request from this origin the guard refused (origin_not_allowed)
  PRIMARY KEY (site_key, origin)
);
