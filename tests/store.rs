//! The journal store in SQLite: entries read back whole, bodies kept once, the queries, the
//! held messages, a restart on the same file, and the failures a sandbox must tell apart.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use mhhs_qual::journal::{Body, Direction, Entry, Journal, Verdict};
use mhhs_qual::store::{
    self, NewHeld, Options, Query, SCHEMA_VERSION, SqliteStore, Store, StoreError,
};
use serde_json::json;
use time::OffsetDateTime;

fn open(dir: &tempfile::TempDir) -> SqliteStore {
    SqliteStore::open(&dir.path().join("journal.db")).expect("the store opens")
}

fn entry(seq: u64) -> Entry {
    let mut e = Entry::new(Direction::Ingress, "/dip-channel/IF-031");
    e.seq = seq;
    e.at_ms = seq * 10;
    e
}

/// An entry with every field set, its body a DIP submission about `mpan`.
fn full_entry(seq: u64, mpan: &str) -> Entry {
    let mut e = entry(seq).with_headers([
        ("Content-Type", "application/json"),
        ("X-API-Key", "hunter2"),
    ]);
    e.scenario = Some("QT-SUP-001".into());
    e.from = Some("SUP 2300000001".into());
    e.to = vec!["REGS 2400000001".into(), "MDS 1200000001".into()];
    e.interface = Some("IF-031".into());
    e.event = Some("[MSApp]".into());
    e.reference = Some(format!("S-IF-031-{seq}"));
    e.mpan = Some(mpan.into());
    e.transaction = Some(format!("T-{seq}"));
    e.body = Body::Json(json!([{"payload": {"CommonBlock": {
        "M0": {"MPANCore": mpan}, "D0": {"initialCorrelationID": format!("c-{seq}")}},
        "n": 1.5, "list": [1, null, true, "x"]}}]));
    e.status = Some(201);
    e.response = Body::Text("created".into());
    e.latency_ms = Some(12);
    e.attempt = 2;
    e.outcome = "accepted".into();
    e.verdicts = vec![
        Verdict {
            check: "schema".into(),
            ok: true,
            detail: String::new(),
        },
        Verdict {
            check: "rule:REG1081".into(),
            ok: false,
            detail: "date in the past".into(),
        },
    ];
    e.warnings = vec![Verdict {
        check: "G4".into(),
        ok: false,
        detail: "late (warn)".into(),
    }];
    e
}

fn seqs(entries: &[Entry]) -> Vec<u64> {
    entries.iter().map(|e| e.seq).collect()
}

#[test]
fn entries_read_back_whole_and_equal() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir);
    let mut text = entry(2);
    text.body = Body::Text("not json {".into());
    text.response = Body::Json(json!({"errors": [{"code": "MSG1001"}]}));
    let mut note = Entry::new(Direction::Note, "");
    note.seq = 3;
    note.outcome = "fault 503 scripted".into();
    let mut egress = entry(4);
    egress.direction = Direction::Egress;
    egress.headers = BTreeMap::from([("x-dip-signature".into(), "abc".into())]);
    egress.to = vec!["SUP 2300000001".into(), "SUP 2300000001".into()];
    let all = vec![full_entry(1, "2000056535971"), text, note, egress];
    for e in &all {
        s.append(e).unwrap();
    }
    assert_eq!(all[0].headers["x-api-key"], "[redacted]");
    assert_eq!(s.since(0, 100).unwrap(), all);
    assert_eq!(s.query(&Query::default()).unwrap(), all);
    assert_eq!((s.count().unwrap(), s.last_seq().unwrap()), (4, 4));
}

#[test]
fn the_file_is_in_wal_mode_with_its_schema_version_and_readable_beside_the_writer() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir);
    s.append(&full_entry(1, "2000056535971")).unwrap();
    let raw = rusqlite::Connection::open(dir.path().join("journal.db")).unwrap();
    let mode: String = raw
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let version: i64 = raw
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), version), ("wal", SCHEMA_VERSION));
    let reader = SqliteStore::open_with(
        &dir.path().join("journal.db"),
        &Options {
            read_only: true,
            ..Options::default()
        },
    )
    .unwrap();
    s.append(&entry(2)).unwrap();
    assert_eq!(seqs(&reader.since(0, 10).unwrap()), [1, 2]);
}

#[test]
fn identical_bodies_are_stored_once() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir);
    let body = Body::Json(json!({"a": [1, 2, 3]}));
    let mut a = entry(1);
    a.body = body.clone();
    let mut b = entry(2);
    b.body = body.clone();
    b.response = body.clone();
    // The same characters as text are another body.
    let mut c = entry(3);
    c.body = Body::Text(r#"{"a":[1,2,3]}"#.into());
    for e in [&a, &b, &c] {
        s.append(e).unwrap();
    }
    assert_eq!(s.body_count().unwrap(), 2);
    let back = s.since(0, 10).unwrap();
    assert_eq!((&back[1].body, &back[1].response), (&body, &body));
    assert_eq!(back[2].body, c.body);
}

static NOW_MS: AtomicI64 = AtomicI64::new(0);

fn test_clock() -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(NOW_MS.load(Ordering::SeqCst)) * 1_000_000)
        .unwrap()
}

#[test]
fn queries_select_by_mpan_flow_party_time_and_number() {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open_with(
        &dir.path().join("journal.db"),
        &Options {
            clock: test_clock,
            ..Options::default()
        },
    )
    .unwrap();
    NOW_MS.store(1_700_000_000_000, Ordering::SeqCst);
    s.append(&full_entry(1, "2000056535971")).unwrap();
    let mut other = full_entry(2, "2000056535972");
    other.scenario = None; // its flow is then its D0.initialCorrelationID, c-2
    other.from = Some("MDS 1200000001".into());
    other.to = vec!["SUP 2300000002".into()];
    NOW_MS.store(1_700_000_001_000, Ordering::SeqCst);
    s.append(&other).unwrap();
    let mut third = entry(3);
    third.mpan = Some("2000056535971".into());
    third.to = vec!["MDS 1200000001".into()];
    NOW_MS.store(1_700_000_002_000, Ordering::SeqCst);
    s.append(&third).unwrap();

    let q = |q: Query| seqs(&s.query(&q).unwrap());
    assert_eq!(
        q(Query {
            mpan: Some("2000056535971".into()),
            ..Query::default()
        }),
        [1, 3]
    );
    assert_eq!(
        q(Query {
            flow: Some("QT-SUP-001".into()),
            ..Query::default()
        }),
        [1]
    );
    assert_eq!(
        q(Query {
            flow: Some("c-2".into()),
            ..Query::default()
        }),
        [2]
    );
    // From one entry and to another.
    assert_eq!(
        q(Query {
            party: Some("MDS 1200000001".into()),
            ..Query::default()
        }),
        [1, 2, 3]
    );
    assert_eq!(
        q(Query {
            party: Some("SUP 2300000002".into()),
            ..Query::default()
        }),
        [2]
    );
    assert_eq!(
        q(Query {
            party: Some("SUP 2300000001".into()),
            ..Query::default()
        }),
        [1]
    );
    assert_eq!(
        q(Query {
            from_ms: Some(1_700_000_001_000),
            to_ms: Some(1_700_000_002_000),
            ..Query::default()
        }),
        [2]
    );
    assert_eq!(
        q(Query {
            from_ms: Some(1_700_000_001_000),
            ..Query::default()
        }),
        [2, 3]
    );
    assert_eq!(
        q(Query {
            mpan: Some("2000056535971".into()),
            after_seq: Some(1),
            ..Query::default()
        }),
        [3]
    );
    assert_eq!(
        q(Query {
            party: Some("MDS 1200000001".into()),
            limit: Some(2),
            ..Query::default()
        }),
        [1, 2]
    );
    assert!(
        q(Query {
            mpan: Some("2000056535999".into()),
            ..Query::default()
        })
        .is_empty()
    );
}

#[test]
fn since_pages_through_the_entries_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir);
    for seq in 1..=25 {
        s.append(&entry(seq)).unwrap();
    }
    let mut after = 0;
    let mut pages = Vec::new();
    for _ in 0..10 {
        let page = s.since(after, 10).unwrap();
        pages.push(page.len());
        let Some(last) = page.last() else { break };
        assert_eq!(page[0].seq, after + 1);
        after = last.seq;
    }
    assert_eq!(pages, [10, 10, 5, 0]);
    assert!(s.since(3, 0).unwrap().is_empty());
    assert!(s.since(u64::MAX, 10).unwrap().is_empty());
}

#[test]
fn a_number_appended_twice_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir);
    s.append(&entry(7)).unwrap();
    let mut again = entry(7);
    again.outcome = "another".into();
    let err = s.append(&again).unwrap_err();
    assert!(
        matches!(err, StoreError::Duplicate { seq: 7, .. }),
        "{err:?}"
    );
    assert!(!err.is_write_failure());
    let text = err.to_string();
    assert!(text.contains("journal.db") && text.contains("#7"), "{text}");
    assert_eq!(s.count().unwrap(), 1);
    assert_eq!(s.since(0, 10).unwrap()[0].outcome, "");
}

fn held_for(to: &str, seq: u64) -> NewHeld {
    NewHeld {
        to: to.into(),
        from: "REGS 2400000001".into(),
        scenario: Some("QT-SUP-002".into()),
        payload: json!({"CommonBlock": {"S0": {"interfaceID": "IF-036"}}, "seq": seq}),
        reason: "connection refused".into(),
        seq,
    }
}

#[test]
fn held_messages_are_listed_oldest_first_and_released_once() {
    let dir = tempfile::tempdir().unwrap();
    let s = open(&dir);
    let a = s.hold(&held_for("2300000001", 4)).unwrap();
    let b = s.hold(&held_for("2300000002", 5)).unwrap();
    let c = s.hold(&held_for("2300000001", 6)).unwrap();
    let all = s.held(None).unwrap();
    assert_eq!(all.iter().map(|h| h.id).collect::<Vec<_>>(), [a, b, c]);
    assert_eq!(all[0].payload, held_for("2300000001", 4).payload);
    assert_eq!(
        (all[0].reason.as_str(), all[0].seq),
        ("connection refused", 4)
    );
    assert_eq!(all[0].scenario.as_deref(), Some("QT-SUP-002"));
    assert!(
        OffsetDateTime::parse(
            &all[0].held_at,
            &time::format_description::well_known::Rfc3339
        )
        .is_ok()
    );
    let for_one = s.held(Some("2300000001")).unwrap();
    assert_eq!(for_one.iter().map(|h| h.id).collect::<Vec<_>>(), [a, c]);
    assert!(s.release(a).unwrap());
    assert!(!s.release(a).unwrap(), "a second release finds nothing");
    assert!(!s.release(u64::MAX).unwrap());
    assert_eq!(s.held(Some("2300000001")).unwrap()[0].id, c);

    // Two releasers racing for each message: exactly one of them has it.
    let s = Arc::new(s);
    let ids: Vec<u64> = (0..50)
        .map(|i| s.hold(&held_for("2300000003", 100 + i)).unwrap())
        .collect();
    let wins = AtomicUsize::new(0);
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                for id in &ids {
                    if s.release(*id).unwrap() {
                        wins.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    assert_eq!(wins.load(Ordering::SeqCst), ids.len());
}

#[test]
fn held_messages_and_numbers_survive_a_restart_on_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let released;
    let kept;
    {
        let s = open(&dir);
        for seq in 1..=5 {
            s.append(&entry(seq)).unwrap();
        }
        released = s.hold(&held_for("2300000001", 3)).unwrap();
        kept = s.hold(&held_for("2300000002", 4)).unwrap();
        assert!(s.release(released).unwrap());
    }
    let s: Arc<dyn Store> = Arc::new(open(&dir));
    assert_eq!(s.last_seq().unwrap(), 5);
    let held = s.held(None).unwrap();
    assert_eq!(held.iter().map(|h| h.id).collect::<Vec<_>>(), [kept]);
    // An id released before the restart is not handed out again.
    let next = s.hold(&held_for("2300000001", 6)).unwrap();
    assert!(next > kept && next != released, "{next}");

    // A journal continuing the stored one numbers after it, and writes through.
    let errors = Arc::new(Mutex::new(Vec::new()));
    let journal = Journal::streaming().starting_after(s.last_seq().unwrap());
    let _tap = journal.tap(store::tap(s.clone(), {
        let errors = errors.clone();
        move |e: &StoreError| errors.lock().unwrap().push(e.to_string())
    }));
    for _ in 0..3 {
        journal.record(Entry::new(Direction::Note, ""));
    }
    assert!(errors.lock().unwrap().is_empty());
    assert_eq!(seqs(&s.since(4, 10).unwrap()), [5, 6, 7, 8]);
    assert_eq!((journal.last_seq(), s.last_seq().unwrap()), (8, 8));

    // A journal that does not continue it collides with what is stored: each append that
    // fails reaches the callback, and the journal goes on.
    let fresh = Journal::new();
    let _tap = fresh.tap(store::tap(s.clone(), {
        let errors = errors.clone();
        move |e: &StoreError| errors.lock().unwrap().push(e.to_string())
    }));
    fresh.record(Entry::new(Direction::Note, ""));
    assert_eq!(fresh.last_seq(), 1);
    let errors = errors.lock().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(errors[0].contains("entry #1 is already"), "{}", errors[0]);
}

#[test]
fn a_file_that_is_not_a_journal_database_is_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("notes.db");
    let notes = "these are my notes, not a database\n".repeat(200);
    std::fs::write(&garbage, &notes).unwrap();
    let err = SqliteStore::open(&garbage).unwrap_err();
    assert!(matches!(err, StoreError::NotADatabase { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&garbage.display().to_string()),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(&garbage).unwrap(),
        notes,
        "the file is left as it was"
    );

    let foreign = dir.path().join("other.db");
    rusqlite::Connection::open(&foreign)
        .unwrap()
        .execute_batch("CREATE TABLE t (x)")
        .unwrap();
    let err = SqliteStore::open(&foreign).unwrap_err();
    assert!(matches!(err, StoreError::NotAJournal { .. }), "{err:?}");
    assert!(err.to_string().contains("other.db"), "{err}");

    let newer = dir.path().join("newer.db");
    drop(SqliteStore::open(&newer).unwrap());
    rusqlite::Connection::open(&newer)
        .unwrap()
        .execute_batch("PRAGMA user_version = 99")
        .unwrap();
    let err = SqliteStore::open(&newer).unwrap_err();
    assert!(
        matches!(err, StoreError::Version { found: 99, .. }),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("newer.db") && text.contains("99"), "{text}");
}

#[test]
fn a_full_disk_is_told_apart_and_what_was_stored_stays_readable() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.db");
    let s = SqliteStore::open_with(
        &path,
        &Options {
            max_page_count: Some(40),
            ..Options::default()
        },
    )
    .unwrap();
    let mut failure = None;
    let mut stored = 0;
    for seq in 1..=200 {
        let mut e = entry(seq);
        e.body = Body::Text(format!("{seq}:{}", "x".repeat(8000)));
        match s.append(&e) {
            Ok(()) => stored += 1,
            Err(err) => {
                failure = Some(err);
                break;
            }
        }
    }
    let err = failure.expect("40 pages hold fewer than 200 bodies of 8 KB");
    assert!(err.is_write_failure() && err.is_disk_full(), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("the disk is full"), "{text}");
    assert!(text.contains(&path.display().to_string()), "{text}");
    assert!(stored > 0);
    assert_eq!(s.count().unwrap(), stored);
    assert_eq!(s.since(0, 1000).unwrap().len() as u64, stored);
}

#[test]
fn a_store_that_cannot_be_written_says_so() {
    let dir = tempfile::tempdir().unwrap();
    // A folder that cannot exist: its parent is a file.
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let err = SqliteStore::open(&file.join("journal.db")).unwrap_err();
    assert!(
        matches!(err, StoreError::Unwritable { .. }) && err.is_write_failure(),
        "{err:?}"
    );
    assert!(err.to_string().contains("a-file/journal.db"), "{err}");

    // A store opened read-only reads, and every write fails as unwritable.
    let path = dir.path().join("journal.db");
    SqliteStore::open(&path).unwrap().append(&entry(1)).unwrap();
    let ro = SqliteStore::open_with(
        &path,
        &Options {
            read_only: true,
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(ro.last_seq().unwrap(), 1);
    for err in [
        ro.append(&entry(2)).unwrap_err(),
        ro.hold(&held_for("2300000001", 1)).unwrap_err(),
    ] {
        assert!(
            matches!(err, StoreError::Unwritable { .. }) && err.is_write_failure(),
            "{err:?}"
        );
        assert!(err.to_string().contains("journal.db"), "{err}");
    }

    // A folder and a file without write permission (root writes them all the same: this
    // part is for everyone else).
    if !writable_despite_permissions(dir.path()) {
        use std::os::unix::fs::PermissionsExt;
        let locked = dir.path().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o555)).unwrap();
        let err = SqliteStore::open(&locked.join("journal.db")).unwrap_err();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
        assert!(err.is_write_failure(), "{err:?}");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o444)).unwrap();
        let err = SqliteStore::open(&path).unwrap_err();
        assert!(
            matches!(err, StoreError::Unwritable { .. }) && err.is_write_failure(),
            "{err:?}"
        );
        assert!(err.to_string().contains("read-only"), "{err}");
    }
}

/// Whether this process writes files whatever their permissions say (root does).
fn writable_despite_permissions(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let probe = dir.join("probe");
    std::fs::create_dir(&probe).unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o555)).unwrap();
    let writable = std::fs::write(probe.join("x"), "x").is_ok();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o755)).unwrap();
    writable
}

#[test]
fn the_export_is_the_journal_file_format() {
    let dir = tempfile::tempdir().unwrap();
    let s: Arc<dyn Store> = Arc::new(open(&dir));
    let journal = Journal::new();
    {
        let _tap = journal.tap(store::tap(s.clone(), |e| panic!("{e}")));
        journal.record(full_entry(0, "2000056535971"));
        let mut text = entry(0);
        text.body = Body::Text("line one\nline two".into());
        journal.record(text);
        journal.record(Entry::new(Direction::Note, ""));
    }
    let mut out = Vec::new();
    assert_eq!(s.export_ndjson(&mut out).unwrap(), 3);
    let ndjson = dir.path().join("journal.ndjson");
    journal.write_ndjson(&ndjson).unwrap();
    assert_eq!(
        String::from_utf8(out.clone()).unwrap(),
        std::fs::read_to_string(&ndjson).unwrap()
    );
    let back: Vec<Entry> = String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let recorded: Vec<Entry> = journal.all().iter().map(|e| (**e).clone()).collect();
    assert_eq!(back, recorded);
    assert_eq!(s.since(0, 10).unwrap(), recorded);
}
