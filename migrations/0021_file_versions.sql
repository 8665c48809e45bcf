-- Files that change (issue 26): a catalog file replaced by a new version. Version 1 is the file at
-- its catalog key; each later one is uploaded under its own R2 key by `npm run files -- put … --note`
-- and recorded here. Downloads, order pages and the library serve the newest version of each key.
CREATE TABLE file_versions (
  file_key     TEXT NOT NULL,                -- the catalog's key (catalog.json "files"), what links name
  version      INTEGER NOT NULL CHECK (version >= 2),
  r2_key       TEXT NOT NULL UNIQUE,         -- where this version's bytes are: <file_key>@v<version>
  size         INTEGER NOT NULL CHECK (size >= 0),
  sha256       TEXT NOT NULL CHECK (length(sha256) = 64),
  note         TEXT NOT NULL CHECK (length(note) BETWEEN 1 AND 500),  -- what changed, shown to buyers
  published_at INTEGER NOT NULL,             -- ms
  PRIMARY KEY (file_key, version)
);
