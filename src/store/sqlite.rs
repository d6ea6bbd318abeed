//! The journal store in an embedded SQLite database (built from the bundled source: nothing to
//! install).
//!
//! One row per entry in `entries`, keyed by its number; each body stored once in `bodies`
//! (keyed by its SHA-256: identical bodies share a row); the parties an entry is from and to in
//! `parties`, so that "every entry of this party" is one index look-up; the messages held for
//! re-delivery in `held`. The file is in WAL mode with `synchronous = NORMAL`: a committed
//! entry survives the process crashing (a power cut may lose the last few), and readers in other
//! processes never block the writer. `PRAGMA user_version` carries the schema version: a file
//! of another version is refused, never migrated silently.
//!
//! One connection behind a mutex: appends come one at a time from the journal's taps, and a
//! page of entries reads in well under a millisecond.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use rusqlite::types::Value as Sql;
use rusqlite::{Connection, OpenFlags, OptionalExtension, Row, TransactionBehavior, params};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::StoreError;
use super::model::{Held, NewHeld, Query, Store, flow_of};
use crate::journal::{Body, Direction, Entry, Verdict};

/// The schema version this build reads and writes (`PRAGMA user_version`).
pub const SCHEMA_VERSION: i64 = 1;

const SCHEMA: &str = "
CREATE TABLE bodies (
    id      INTEGER PRIMARY KEY,
    sha256  BLOB NOT NULL UNIQUE,
    form    TEXT NOT NULL CHECK (form IN ('json', 'text')),
    content TEXT NOT NULL
);
CREATE TABLE entries (
    seq         INTEGER PRIMARY KEY,
    at_ms       INTEGER NOT NULL,
    unix_ms     INTEGER NOT NULL,
    recorded_at TEXT NOT NULL,
    scenario    TEXT,
    direction   TEXT NOT NULL,
    sender      TEXT,
    recipients  TEXT NOT NULL,
    url         TEXT NOT NULL,
    interface   TEXT,
    event       TEXT,
    reference   TEXT,
    mpan        TEXT,
    txn         TEXT,
    flow        TEXT,
    status      INTEGER,
    attempt     INTEGER NOT NULL,
    latency_ms  INTEGER,
    outcome     TEXT NOT NULL,
    verdicts    TEXT NOT NULL,
    warnings    TEXT NOT NULL,
    headers     TEXT NOT NULL,
    body        INTEGER REFERENCES bodies (id),
    response    INTEGER REFERENCES bodies (id)
);
CREATE INDEX entries_mpan ON entries (mpan);
CREATE INDEX entries_flow ON entries (flow);
CREATE INDEX entries_time ON entries (unix_ms);
CREATE TABLE parties (
    party TEXT NOT NULL,
    seq   INTEGER NOT NULL REFERENCES entries (seq),
    side  TEXT NOT NULL CHECK (side IN ('from', 'to')),
    PRIMARY KEY (party, seq, side)
) WITHOUT ROWID;
CREATE TABLE held (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient TEXT NOT NULL,
    sender    TEXT NOT NULL,
    scenario  TEXT,
    payload   TEXT NOT NULL,
    reason    TEXT NOT NULL,
    held_at   TEXT NOT NULL,
    seq       INTEGER NOT NULL
);
CREATE INDEX held_recipient ON held (recipient, id);
";

const SELECT_ENTRIES: &str = "
SELECT e.seq, e.at_ms, e.scenario, e.direction, e.sender, e.recipients, e.url, e.interface,
       e.event, e.reference, e.mpan, e.txn, e.headers, b.form, b.content, e.status, r.form,
       r.content, e.latency_ms, e.attempt, e.outcome, e.verdicts, e.warnings
FROM entries e
LEFT JOIN bodies b ON b.id = e.body
LEFT JOIN bodies r ON r.id = e.response";

const INSERT_ENTRY: &str = "
INSERT INTO entries (seq, at_ms, unix_ms, recorded_at, scenario, direction, sender, recipients,
    url, interface, event, reference, mpan, txn, flow, status, attempt, latency_ms, outcome,
    verdicts, warnings, headers, body, response)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19,
    ?20, ?21, ?22, ?23, ?24)";

/// Entries read per statement by [`Store::export_ndjson`], so that an export of millions holds
/// one page in memory at a time.
const EXPORT_PAGE: usize = 1000;

/// How a [`SqliteStore`] is opened.
#[derive(Debug, Clone)]
pub struct Options {
    /// Opens without writing (a reader beside a running sandbox, a report): the file must
    /// already be a journal database, and every write fails as unwritable.
    pub read_only: bool,
    /// How long a statement waits for another process's lock before it fails.
    pub busy_timeout: Duration,
    /// Caps the database at this many pages (`PRAGMA max_page_count`, 4 KiB each): past it a
    /// write fails as a full disk does, which is how that failure is tested.
    pub max_page_count: Option<u64>,
    /// The wall clock that stamps appended entries and held messages.
    pub clock: fn() -> OffsetDateTime,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            read_only: false,
            busy_timeout: Duration::from_secs(5),
            max_page_count: None,
            clock: OffsetDateTime::now_utc,
        }
    }
}

/// A journal store in one SQLite file.
pub struct SqliteStore {
    path: PathBuf,
    conn: Mutex<Connection>,
    clock: fn() -> OffsetDateTime,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens the journal database at `path`, creating the file and its schema when there is
    /// none (its folder must exist).
    pub fn open(path: &Path) -> Result<Self, StoreError> {
        Self::open_with(path, &Options::default())
    }

    /// Opens the journal database at `path` as `options` say.
    pub fn open_with(path: &Path, options: &Options) -> Result<Self, StoreError> {
        let fail = |what: &str, e| StoreError::classify(path, what.to_owned(), e);
        let flags = if options.read_only {
            OpenFlags::SQLITE_OPEN_READ_ONLY
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        } | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|e| fail("opening it", e))?;
        conn.busy_timeout(options.busy_timeout)
            .map_err(|e| fail("setting the busy timeout", e))?;
        // SQLite opens a file it may not write read-only without a word; the first append
        // would fail. A store that is to be written says so now.
        if !options.read_only
            && conn
                .is_readonly(rusqlite::MAIN_DB)
                .map_err(|e| fail("opening it", e))?
        {
            return Err(StoreError::Unwritable {
                path: path.to_path_buf(),
                what: "opening it for writing".into(),
                source: rusqlite::Error::SqliteFailure(
                    rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_READONLY),
                    Some("the file, its folder or its disk is read-only".into()),
                ),
            });
        }
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| fail("reading its schema version", e))?;
        if version == 0 {
            let tables: i64 = conn
                .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
                .map_err(|e| fail("reading its schema", e))?;
            if tables > 0 || options.read_only {
                return Err(StoreError::NotAJournal {
                    path: path.to_path_buf(),
                });
            }
        } else if version != SCHEMA_VERSION {
            return Err(StoreError::Version {
                path: path.to_path_buf(),
                found: version,
                expected: SCHEMA_VERSION,
            });
        }
        if !options.read_only {
            let mode: String = conn
                .pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))
                .map_err(|e| fail("switching it to WAL mode", e))?;
            if !mode.eq_ignore_ascii_case("wal") {
                return Err(StoreError::Database {
                    path: path.to_path_buf(),
                    what: "switching it to WAL mode".into(),
                    source: rusqlite::Error::InvalidQuery,
                });
            }
            conn.pragma_update(None, "synchronous", "NORMAL")
                .map_err(|e| fail("setting synchronous = NORMAL", e))?;
            if version == 0 {
                conn.execute_batch(&format!(
                    "BEGIN IMMEDIATE; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                ))
                .map_err(|e| {
                    let _ = conn.execute_batch("ROLLBACK");
                    fail("creating its schema", e)
                })?;
            }
        }
        if let Some(pages) = options.max_page_count {
            conn.pragma_update(None, "max_page_count", pages)
                .map_err(|e| fail("capping its size", e))?;
        }
        Ok(Self {
            path: path.to_path_buf(),
            conn: Mutex::new(conn),
            clock: options.clock,
        })
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// How many distinct bodies are stored (each once, however many entries carry it).
    pub fn body_count(&self) -> Result<u64, StoreError> {
        let conn = self.conn();
        conn.query_row("SELECT count(*) FROM bodies", [], |r| r.get(0))
            .map_err(|e| self.fail("counting bodies", e))
    }

    fn conn(&self) -> MutexGuard<'_, Connection> {
        // A panic while the lock was held leaves no transaction open (a dropped transaction
        // rolls back), so the connection is as good as before.
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn fail(&self, what: impl Into<String>, e: rusqlite::Error) -> StoreError {
        StoreError::classify(&self.path, what.into(), e)
    }

    fn entries(&self, sql: &str, values: &[Sql]) -> Result<Vec<Entry>, StoreError> {
        let conn = self.conn();
        let mut stmt = conn
            .prepare_cached(sql)
            .map_err(|e| self.fail("reading entries", e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(values), Columns::read)
            .map_err(|e| self.fail("reading entries", e))?;
        let mut out = Vec::new();
        for row in rows {
            let columns = row.map_err(|e| self.fail("reading entries", e))?;
            out.push(columns.entry(&self.path)?);
        }
        Ok(out)
    }
}

impl Store for SqliteStore {
    fn append(&self, entry: &Entry) -> Result<(), StoreError> {
        let what = || format!("appending entry #{}", entry.seq);
        let now = (self.clock)();
        let unix_ms = i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX);
        let recorded_at = now
            .format(&Rfc3339)
            .unwrap_or_else(|_| now.unix_timestamp().to_string());
        let recipients = json(&entry.to);
        let verdicts = json(&entry.verdicts);
        let warnings = json(&entry.warnings);
        let headers = json(&entry.headers);
        let body = BodyRow::of(&entry.body);
        let response = BodyRow::of(&entry.response);
        let flow = flow_of(entry);

        let mut conn = self.conn();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.fail(what(), e))?;
        let body = body
            .map(|b| b.put(&tx))
            .transpose()
            .map_err(|e| self.fail(what(), e))?;
        let response = response
            .map(|b| b.put(&tx))
            .transpose()
            .map_err(|e| self.fail(what(), e))?;
        let inserted = (|| {
            tx.prepare_cached(INSERT_ENTRY)?.execute(params![
                entry.seq,
                entry.at_ms,
                unix_ms,
                recorded_at,
                entry.scenario,
                direction_text(entry.direction),
                entry.from,
                recipients,
                entry.url,
                entry.interface,
                entry.event,
                entry.reference,
                entry.mpan,
                entry.transaction,
                flow,
                entry.status,
                entry.attempt,
                entry.latency_ms,
                entry.outcome,
                verdicts,
                warnings,
                headers,
                body,
                response,
            ])
        })();
        if let Err(e) = inserted {
            if is_primary_key_violation(&e) {
                return Err(StoreError::Duplicate {
                    path: self.path.clone(),
                    seq: entry.seq,
                });
            }
            return Err(self.fail(what(), e));
        }
        (|| {
            let mut party = tx.prepare_cached(
                "INSERT OR IGNORE INTO parties (party, seq, side) VALUES (?1, ?2, ?3)",
            )?;
            let seq = entry.seq;
            if let Some(from) = &entry.from {
                party.execute(params![from, seq, "from"])?;
            }
            for to in &entry.to {
                party.execute(params![to, seq, "to"])?;
            }
            Ok(())
        })()
        .map_err(|e| self.fail(what(), e))?;
        tx.commit().map_err(|e| self.fail(what(), e))
    }

    fn since(&self, after_seq: u64, limit: usize) -> Result<Vec<Entry>, StoreError> {
        self.query(&Query {
            after_seq: Some(after_seq),
            limit: Some(limit),
            ..Query::default()
        })
    }

    fn query(&self, q: &Query) -> Result<Vec<Entry>, StoreError> {
        // Anonymous `?` parameters, bound in the order the clauses are added.
        let mut clauses = Vec::new();
        let mut values = Vec::new();
        if let Some(mpan) = &q.mpan {
            clauses.push("e.mpan = ?");
            values.push(Sql::Text(mpan.clone()));
        }
        if let Some(flow) = &q.flow {
            clauses.push("e.flow = ?");
            values.push(Sql::Text(flow.clone()));
        }
        if let Some(party) = &q.party {
            clauses.push("e.seq IN (SELECT seq FROM parties WHERE party = ?)");
            values.push(Sql::Text(party.clone()));
        }
        if let Some(from) = q.from_ms {
            clauses.push("e.unix_ms >= ?");
            values.push(Sql::Integer(from));
        }
        if let Some(to) = q.to_ms {
            clauses.push("e.unix_ms < ?");
            values.push(Sql::Integer(to));
        }
        if let Some(after) = q.after_seq {
            clauses.push("e.seq > ?");
            // Past the largest number SQLite holds, nothing is after it.
            values.push(Sql::Integer(i64::try_from(after).unwrap_or(i64::MAX)));
        }
        let mut sql = String::from(SELECT_ENTRIES);
        if !clauses.is_empty() {
            sql.push_str("\nWHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        sql.push_str("\nORDER BY e.seq LIMIT ?");
        // A negative limit is none.
        values.push(Sql::Integer(
            q.limit.map_or(-1, |l| i64::try_from(l).unwrap_or(i64::MAX)),
        ));
        self.entries(&sql, &values)
    }

    fn last_seq(&self) -> Result<u64, StoreError> {
        let conn = self.conn();
        conn.query_row("SELECT coalesce(max(seq), 0) FROM entries", [], |r| {
            r.get(0)
        })
        .map_err(|e| self.fail("reading the last entry's number", e))
    }

    fn count(&self) -> Result<u64, StoreError> {
        let conn = self.conn();
        conn.query_row("SELECT count(*) FROM entries", [], |r| r.get(0))
            .map_err(|e| self.fail("counting entries", e))
    }

    fn hold(&self, h: &NewHeld) -> Result<u64, StoreError> {
        let what = || format!("holding a message for {} (entry #{})", h.to, h.seq);
        let held_at = (self.clock)()
            .format(&Rfc3339)
            .unwrap_or_else(|_| String::from("unknown"));
        let conn = self.conn();
        (|| {
            conn.prepare_cached(
                "INSERT INTO held (recipient, sender, scenario, payload, reason, held_at, seq)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute(params![
                h.to,
                h.from,
                h.scenario,
                h.payload.to_string(),
                h.reason,
                held_at,
                h.seq,
            ])?;
            u64::try_from(conn.last_insert_rowid())
                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))
        })()
        .map_err(|e| self.fail(what(), e))
    }

    fn held(&self, to: Option<&str>) -> Result<Vec<Held>, StoreError> {
        let conn = self.conn();
        let read = |r: &Row<'_>| {
            Ok((
                r.get::<_, u64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, Option<String>>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, u64>(7)?,
            ))
        };
        let rows = (|| {
            let mut stmt = conn.prepare_cached(
                "SELECT id, recipient, sender, scenario, payload, reason, held_at, seq FROM held
                 WHERE ?1 IS NULL OR recipient = ?1 ORDER BY id",
            )?;
            stmt.query_map([to], read)?.collect::<Result<Vec<_>, _>>()
        })()
        .map_err(|e| self.fail("reading the held messages", e))?;
        rows.into_iter()
            .map(|(id, to, from, scenario, payload, reason, held_at, seq)| {
                let payload = serde_json::from_str(&payload).map_err(|e| StoreError::Corrupt {
                    path: self.path.clone(),
                    what: format!("the payload of held message {id}"),
                    detail: e.to_string(),
                })?;
                Ok(Held {
                    id,
                    to,
                    from,
                    scenario,
                    payload,
                    reason,
                    held_at,
                    seq,
                })
            })
            .collect()
    }

    fn release(&self, id: u64) -> Result<bool, StoreError> {
        let Ok(id_sql) = i64::try_from(id) else {
            return Ok(false);
        };
        let conn = self.conn();
        let removed = conn
            .prepare_cached("DELETE FROM held WHERE id = ?1")
            .and_then(|mut s| s.execute([id_sql]))
            .map_err(|e| self.fail(format!("releasing held message {id}"), e))?;
        Ok(removed == 1)
    }

    fn export_ndjson(&self, out: &mut dyn std::io::Write) -> Result<u64, StoreError> {
        let io = |source| StoreError::Export {
            path: self.path.clone(),
            source,
        };
        let mut after = 0;
        let mut written = 0;
        loop {
            let page = self.since(after, EXPORT_PAGE)?;
            let Some(last) = page.last() else { break };
            after = last.seq;
            for e in &page {
                serde_json::to_writer(&mut *out, e).map_err(|e| io(e.into()))?;
                out.write_all(b"\n").map_err(io)?;
                written += 1;
            }
        }
        out.flush().map_err(io)?;
        Ok(written)
    }
}

/// A body as stored: its form, its text and the SHA-256 that keys it.
struct BodyRow {
    form: &'static str,
    content: String,
}

impl BodyRow {
    /// `None` for an empty body (no row).
    fn of(body: &Body) -> Option<Self> {
        match body {
            Body::Json(v) => Some(Self {
                form: "json",
                content: v.to_string(),
            }),
            Body::Text(t) => Some(Self {
                form: "text",
                content: t.clone(),
            }),
            Body::Empty => None,
        }
    }

    /// The id of this body's row, added when no entry carried it before.
    fn put(&self, conn: &Connection) -> rusqlite::Result<i64> {
        let mut hash = aws_lc_rs::digest::Context::new(&aws_lc_rs::digest::SHA256);
        hash.update(self.form.as_bytes());
        hash.update(&[0]);
        hash.update(self.content.as_bytes());
        let hash = hash.finish();
        let found = conn
            .prepare_cached("SELECT id FROM bodies WHERE sha256 = ?1")?
            .query_row([hash.as_ref()], |r| r.get(0))
            .optional()?;
        if let Some(id) = found {
            return Ok(id);
        }
        conn.prepare_cached("INSERT INTO bodies (sha256, form, content) VALUES (?1, ?2, ?3)")?
            .execute(params![hash.as_ref(), self.form, self.content])?;
        Ok(conn.last_insert_rowid())
    }
}

/// An entry's columns as read, before the JSON ones are parsed.
struct Columns {
    seq: u64,
    at_ms: u64,
    scenario: Option<String>,
    direction: String,
    from: Option<String>,
    to: String,
    url: String,
    interface: Option<String>,
    event: Option<String>,
    reference: Option<String>,
    mpan: Option<String>,
    transaction: Option<String>,
    headers: String,
    body: (Option<String>, Option<String>),
    status: Option<u16>,
    response: (Option<String>, Option<String>),
    latency_ms: Option<u64>,
    attempt: u32,
    outcome: String,
    verdicts: String,
    warnings: String,
}

impl Columns {
    fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            seq: r.get(0)?,
            at_ms: r.get(1)?,
            scenario: r.get(2)?,
            direction: r.get(3)?,
            from: r.get(4)?,
            to: r.get(5)?,
            url: r.get(6)?,
            interface: r.get(7)?,
            event: r.get(8)?,
            reference: r.get(9)?,
            mpan: r.get(10)?,
            transaction: r.get(11)?,
            headers: r.get(12)?,
            body: (r.get(13)?, r.get(14)?),
            status: r.get(15)?,
            response: (r.get(16)?, r.get(17)?),
            latency_ms: r.get(18)?,
            attempt: r.get(19)?,
            outcome: r.get(20)?,
            verdicts: r.get(21)?,
            warnings: r.get(22)?,
        })
    }

    fn entry(self, path: &Path) -> Result<Entry, StoreError> {
        let seq = self.seq;
        let corrupt = |column: &str, detail: String| StoreError::Corrupt {
            path: path.to_path_buf(),
            what: format!("entry #{seq}'s {column}"),
            detail,
        };
        let parse = |column: &str, text: &str| {
            serde_json::from_str::<Value>(text).map_err(|e| corrupt(column, e.to_string()))
        };
        let body = |column: &str, (form, content): (Option<String>, Option<String>)| match (
            form.as_deref(),
            content,
        ) {
            (None, _) => Ok(Body::Empty),
            (Some("json"), Some(c)) => parse(column, &c).map(Body::Json),
            (Some("text"), Some(c)) => Ok(Body::Text(c)),
            (Some(other), _) => Err(corrupt(column, format!("a body of form {other:?}"))),
        };
        let direction = match self.direction.as_str() {
            "ingress" => Direction::Ingress,
            "egress" => Direction::Egress,
            "note" => Direction::Note,
            other => return Err(corrupt("direction", format!("{other:?}"))),
        };
        let verdicts: Vec<Verdict> =
            typed(&self.verdicts).map_err(|e| corrupt("verdicts", e.to_string()))?;
        let warnings: Vec<Verdict> =
            typed(&self.warnings).map_err(|e| corrupt("warnings", e.to_string()))?;
        let to: Vec<String> = typed(&self.to).map_err(|e| corrupt("recipients", e.to_string()))?;
        let headers: BTreeMap<String, String> =
            typed(&self.headers).map_err(|e| corrupt("headers", e.to_string()))?;
        Ok(Entry {
            seq,
            at_ms: self.at_ms,
            scenario: self.scenario,
            direction,
            from: self.from,
            to,
            url: self.url,
            interface: self.interface,
            event: self.event,
            reference: self.reference,
            mpan: self.mpan,
            transaction: self.transaction,
            headers,
            body: body("body", self.body)?,
            status: self.status,
            response: body("response", self.response)?,
            latency_ms: self.latency_ms,
            attempt: self.attempt,
            outcome: self.outcome,
            verdicts,
            warnings,
        })
    }
}

fn direction_text(d: Direction) -> &'static str {
    match d {
        Direction::Ingress => "ingress",
        Direction::Egress => "egress",
        Direction::Note => "note",
    }
}

fn is_primary_key_violation(e: &rusqlite::Error) -> bool {
    matches!(
        e,
        rusqlite::Error::SqliteFailure(f, _)
            if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
    )
}

/// A column kept as JSON, read back.
fn typed<T: serde::de::DeserializeOwned>(text: &str) -> serde_json::Result<T> {
    serde_json::from_str(text)
}

/// JSON text of a column kept as JSON: lists of strings and verdicts, a map of strings (none
/// fails to serialize).
fn json(v: &impl serde::Serialize) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
