/**
 * Ordered schema migrations. `PRAGMA user_version` records how many have been applied; each
 * migration runs in its own transaction, so a crash never leaves a half-migrated database.
 * Append new migrations at the end; never edit one that has shipped.
 */
export const MIGRATIONS: readonly string[] = [
  /* 1: initial schema */ `
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    root INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE TABLE api_keys (
    key_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created TEXT NOT NULL,
    last_used TEXT
  );
  CREATE INDEX api_keys_user ON api_keys(user_id);

  -- groups, projects, subjects, sessions, acquisitions, analyses and collections.
  -- perm_id: the container whose permissions govern this one (group, project or collection).
  CREATE TABLE containers (
    id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    label TEXT,
    code TEXT,
    parent_type TEXT,
    parent_id TEXT,
    group_id TEXT,
    project_id TEXT,
    subject_id TEXT,
    session_id TEXT,
    acquisition_id TEXT,
    perm_id TEXT,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX containers_type ON containers(type, id);
  CREATE INDEX containers_parent ON containers(parent_id, type, id);
  CREATE INDEX containers_perm ON containers(perm_id, type);
  CREATE INDEX containers_label ON containers(type, label);
  CREATE INDEX containers_created ON containers(type, created);
  CREATE INDEX containers_modified ON containers(type, modified);
  CREATE INDEX containers_project ON containers(project_id, type);
  CREATE INDEX containers_session ON containers(session_id, type);
  CREATE INDEX containers_subject ON containers(subject_id, type);

  -- file entries. role: 'files' (container files, analysis outputs) or 'inputs' (analysis inputs)
  CREATE TABLE files (
    id TEXT PRIMARY KEY,
    container_id TEXT NOT NULL,
    container_type TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    blob_id TEXT,
    size INTEGER NOT NULL,
    hash TEXT,
    type TEXT,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (container_id, role, name)
  );
  CREATE INDEX files_container ON files(container_id, role);

  CREATE TABLE tickets (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    expires INTEGER NOT NULL,
    doc TEXT NOT NULL
  );

  CREATE TABLE gears (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    version TEXT,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX gears_name ON gears(name, created);

  CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    gear_id TEXT,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  CREATE INDEX jobs_state ON jobs(state, id);
  CREATE TABLE job_logs (
    job_id TEXT NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    fd INTEGER NOT NULL,
    msg TEXT NOT NULL,
    PRIMARY KEY (job_id, seq)
  );

  CREATE TABLE modalities (id TEXT PRIMARY KEY, doc TEXT NOT NULL);
  CREATE TABLE roles (id TEXT PRIMARY KEY, label TEXT NOT NULL UNIQUE, doc TEXT NOT NULL);
  CREATE TABLE group_roles (
    group_id TEXT NOT NULL,
    role_id TEXT NOT NULL,
    PRIMARY KEY (group_id, role_id)
  );
  CREATE TABLE site (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  `,
  /* 2: file identity and versions; signed-URL upload tickets */ `
  -- files keeps the latest version of each file (what containers list); file_id is stable across
  -- versions. Superseded versions move to file_versions with their blob, until the file goes.
  ALTER TABLE files ADD COLUMN file_id TEXT;
  ALTER TABLE files ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
  UPDATE files SET file_id = lower(hex(randomblob(12))),
    version = coalesce(json_extract(doc, '$.version'), 1);
  UPDATE files SET doc = json_set(doc, '$.file_id', file_id, '$.version', version,
    '$.parent_ref', json_object('type', container_type, 'id', container_id));
  CREATE INDEX files_file_id ON files(file_id);
  CREATE INDEX files_blob ON files(blob_id);

  CREATE TABLE file_versions (
    id TEXT PRIMARY KEY,
    file_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    container_id TEXT NOT NULL,
    container_type TEXT NOT NULL,
    role TEXT NOT NULL,
    name TEXT NOT NULL,
    blob_id TEXT,
    size INTEGER NOT NULL,
    hash TEXT,
    type TEXT,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    doc TEXT NOT NULL,
    UNIQUE (file_id, version)
  );
  CREATE INDEX file_versions_container ON file_versions(container_id);
  CREATE INDEX file_versions_blob ON file_versions(blob_id);

  -- signed-URL uploads: a ticket names a container and its files; every file has one or more
  -- parts, each with its own single-use URL token (only the token's SHA-256 is stored).
  CREATE TABLE upload_tickets (
    id TEXT PRIMARY KEY,
    container_id TEXT NOT NULL,
    container_type TEXT NOT NULL,
    user_id TEXT NOT NULL,
    upload_id TEXT NOT NULL,
    expires INTEGER NOT NULL,
    closing INTEGER NOT NULL DEFAULT 0,
    doc TEXT NOT NULL
  );
  CREATE INDEX upload_tickets_expires ON upload_tickets(expires);
  CREATE TABLE upload_parts (
    token_hash TEXT PRIMARY KEY,
    ticket_id TEXT NOT NULL REFERENCES upload_tickets(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    part INTEGER NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending',
    blob_id TEXT,
    size INTEGER,
    hash TEXT,
    etag TEXT,
    UNIQUE (ticket_id, name, part)
  );
  `,
  /* 3: stored documents of the site, project, saved-search, filter, device, … APIs */ `
  -- one row per stored document; kind names the API (site_settings, gear_rule, provider, …),
  -- parent the owning container/site ('site' or a project id), owner the user it belongs to.
  CREATE TABLE documents (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    parent TEXT,
    owner TEXT,
    created TEXT NOT NULL,
    modified TEXT NOT NULL,
    doc TEXT NOT NULL,
    PRIMARY KEY (kind, id)
  );
  CREATE INDEX documents_parent ON documents(kind, parent, created);
  CREATE INDEX documents_owner ON documents(kind, owner, created);
  `,
  /* 4: container change log, recorded by triggers from now on */ `
  -- every insert, update and delete of a container appends its document as it is afterwards;
  -- the change-log API diffs consecutive entries into patches.
  CREATE TABLE change_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    container_id TEXT NOT NULL,
    container_type TEXT NOT NULL,
    method TEXT NOT NULL,
    created TEXT NOT NULL,
    revision INTEGER,
    doc TEXT
  );
  CREATE INDEX change_log_container ON change_log(container_id, seq);
  CREATE TRIGGER change_log_insert AFTER INSERT ON containers BEGIN
    INSERT INTO change_log (container_id, container_type, method, created, revision, doc)
    VALUES (new.id, new.type, 'CREATE', new.modified, coalesce(json_extract(new.doc, '$.revision'), 1), new.doc);
  END;
  CREATE TRIGGER change_log_update AFTER UPDATE OF doc ON containers WHEN old.doc IS NOT new.doc BEGIN
    INSERT INTO change_log (container_id, container_type, method, created, revision, doc)
    VALUES (new.id, new.type, 'UPDATE', new.modified, coalesce(json_extract(new.doc, '$.revision'), 1), new.doc);
  END;
  CREATE TRIGGER change_log_delete AFTER DELETE ON containers BEGIN
    INSERT INTO change_log (container_id, container_type, method, created, revision, doc)
    VALUES (old.id, old.type, 'DELETE', strftime('%Y-%m-%dT%H:%M:%f000+00:00', 'now'),
      coalesce(json_extract(old.doc, '$.revision'), 1), NULL);
  END;
  `,
  /* 5: finder indexes that answer a filter, its sort and the _id tiebreak together */ `
  -- Every finder orders by its sort keys and then _id, so each index ends with id: a filter on
  -- label or created (or a parent) with that order and a LIMIT reads only the rows it returns,
  -- and after_id paging of a parent's children walks one index range.
  DROP INDEX containers_label;
  CREATE INDEX containers_label ON containers(type, label, id);
  DROP INDEX containers_created;
  CREATE INDEX containers_created ON containers(type, created, id);
  DROP INDEX containers_modified;
  CREATE INDEX containers_modified ON containers(type, modified, id);
  DROP INDEX containers_project;
  CREATE INDEX containers_project ON containers(project_id, type, id);
  DROP INDEX containers_subject;
  CREATE INDEX containers_subject ON containers(subject_id, type, id);
  DROP INDEX containers_session;
  CREATE INDEX containers_session ON containers(session_id, type, id);
  CREATE INDEX containers_group ON containers(group_id, type, id);
  CREATE INDEX containers_acquisition ON containers(acquisition_id, type, id);
  -- timestamp lives only in the document: an index on the same expression the finders use
  -- (containerColumns maps the field to it)
  CREATE INDEX containers_timestamp ON containers(type, json_extract(doc, '$.timestamp'), id);
  `,
  /* 6: an index over info leaf values, for info.x.y=V finders */ `
  -- One row per scalar leaf of a container's info: path is json_tree's full key of the leaf
  -- ($.info.a.b; only keys of letters and digits are written unquoted there), or of its array
  -- for an element of an array (a filter matches any element). Leaves inside an array element
  -- are left out: the JSON-path filter does not reach them either. type is the JSON type
  -- (text, integer, real, true, false), value the SQL value (booleans 1/0). Kept by triggers, so no write path can forget it.
  CREATE TABLE info_values (
    container_id TEXT NOT NULL,
    path TEXT NOT NULL,
    type TEXT NOT NULL,
    value -- no declared type, so no affinity: '5' and 5 stay different values
  );
  CREATE INDEX info_values_lookup ON info_values(path, value, type, container_id);
  CREATE INDEX info_values_container ON info_values(container_id);
  INSERT INTO info_values (container_id, path, type, value)
    SELECT c.id, CASE WHEN typeof(t.key) = 'integer' THEN t.path ELSE t.fullkey END, t.type, t.atom
    FROM containers AS c, json_tree(c.doc, '$.info') AS t
    WHERE t.type NOT IN ('object', 'array', 'null') AND instr(t.path, '[') = 0;
  CREATE TRIGGER info_values_insert AFTER INSERT ON containers BEGIN
    INSERT INTO info_values (container_id, path, type, value)
    SELECT new.id, CASE WHEN typeof(t.key) = 'integer' THEN t.path ELSE t.fullkey END, t.type, t.atom
    FROM json_tree(new.doc, '$.info') AS t
    WHERE t.type NOT IN ('object', 'array', 'null') AND instr(t.path, '[') = 0;
  END;
  CREATE TRIGGER info_values_update AFTER UPDATE OF doc ON containers WHEN old.doc IS NOT new.doc BEGIN
    DELETE FROM info_values WHERE container_id = old.id;
    INSERT INTO info_values (container_id, path, type, value)
    SELECT new.id, CASE WHEN typeof(t.key) = 'integer' THEN t.path ELSE t.fullkey END, t.type, t.atom
    FROM json_tree(new.doc, '$.info') AS t
    WHERE t.type NOT IN ('object', 'array', 'null') AND instr(t.path, '[') = 0;
  END;
  CREATE TRIGGER info_values_delete AFTER DELETE ON containers BEGIN
    DELETE FROM info_values WHERE container_id = old.id;
  END;
  `,
];
