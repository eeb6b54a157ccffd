/** The tables of the SQLite store, created when absent (one transaction, at open). */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counters (key TEXT NOT NULL, field TEXT NOT NULL, value INTEGER NOT NULL, PRIMARY KEY (key, field)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS counter_ttl (key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS sets (key TEXT NOT NULL, member TEXT NOT NULL, PRIMARY KEY (key, member)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS logs (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, score REAL NOT NULL, value TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS logs_by_score ON logs (key, score, seq);
CREATE TABLE IF NOT EXISTS log_meta (key TEXT PRIMARY KEY, pruned_through REAL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS budgets (key TEXT PRIMARY KEY, spent INTEGER NOT NULL, expires_at INTEGER) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS holds (
  key TEXT NOT NULL, id TEXT NOT NULL, owner TEXT NOT NULL, amount INTEGER NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (key, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS finished_holds (id TEXT PRIMARY KEY, state TEXT NOT NULL, expires_at INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS windows (seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, at INTEGER NOT NULL, weight INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS windows_by_time ON windows (key, at);
CREATE TABLE IF NOT EXISTS slots (key TEXT NOT NULL, id TEXT NOT NULL, expires_at INTEGER NOT NULL, PRIMARY KEY (key, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS registers (key TEXT PRIMARY KEY, version INTEGER NOT NULL, value TEXT NOT NULL, expires_at INTEGER) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS changes (seq INTEGER PRIMARY KEY AUTOINCREMENT, channel TEXT NOT NULL, message TEXT NOT NULL, at INTEGER NOT NULL);
`;

/** The writes that insert or update one row, by what they do. */
export const UPSERT = {
  kv: 'INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
  /** Adds to a counter field; answers its new value. */
  counter:
    'INSERT INTO counters (key, field, value) VALUES (?, ?, ?) ON CONFLICT (key, field) DO UPDATE SET value = value + excluded.value RETURNING value',
  counterTtl: 'INSERT INTO counter_ttl (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at',
  logMeta:
    'INSERT INTO log_meta (key, pruned_through) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET pruned_through = MAX(pruned_through, excluded.pruned_through)',
  hold:
    'INSERT INTO holds (key, id, owner, amount, expires_at) VALUES (?, ?, ?, ?, ?) ' +
    'ON CONFLICT (key, id) DO UPDATE SET owner = excluded.owner, amount = excluded.amount, expires_at = excluded.expires_at',
  budgetTtl:
    'INSERT INTO budgets (key, spent, expires_at) VALUES (?, 0, ?) ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at',
  /** Adds to a budget's settled spend; answers the new spend. */
  spent: 'INSERT INTO budgets (key, spent) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET spent = spent + excluded.spent RETURNING spent',
  slot: 'INSERT INTO slots (key, id, expires_at) VALUES (?, ?, ?) ON CONFLICT (key, id) DO UPDATE SET expires_at = excluded.expires_at',
  register:
    'INSERT INTO registers (key, version, value, expires_at) VALUES (?, ?, ?, ?) ' +
    'ON CONFLICT (key) DO UPDATE SET version = excluded.version, value = excluded.value, expires_at = excluded.expires_at',
} as const;
