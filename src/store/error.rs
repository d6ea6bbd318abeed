//! What can go wrong with a journal store, naming the database and what was being done.

use std::path::PathBuf;

/// A failure of a journal store. Every variant names the database; [`StoreError::is_write_failure`]
/// tells the failures after which nothing more can be recorded (the disk is full, the file
/// cannot be written), when a sandbox must stop accepting messages.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// `SQLITE_FULL`: no room for the database to grow.
    #[error(
        "{path}: the disk is full: the journal database can grow no more while {what} \
         (free some space, or give the database a place with room, and start again)"
    )]
    Full { path: PathBuf, what: String },
    /// The database cannot be written: a read-only file, folder or disk, no permission, an
    /// I/O error.
    #[error("{path}: the journal database cannot be written while {what}: {source}")]
    Unwritable {
        path: PathBuf,
        what: String,
        #[source]
        source: rusqlite::Error,
    },
    /// The file is not a database at all.
    #[error("{path}: not a database file (a journal database is a SQLite file): {source}")]
    NotADatabase {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    /// A database, but not a journal database.
    #[error(
        "{path}: a SQLite database, but not a journal database (it has tables of its own and \
         no journal schema version)"
    )]
    NotAJournal { path: PathBuf },
    /// A journal database of another schema version.
    #[error(
        "{path}: a journal database of schema version {found}; this mhhs-qual reads version \
         {expected}"
    )]
    Version {
        path: PathBuf,
        found: i64,
        expected: i64,
    },
    /// An entry whose number is already in the store.
    #[error("{path}: entry #{seq} is already in the journal database (each is appended once)")]
    Duplicate { path: PathBuf, seq: u64 },
    /// A stored value that does not read back (a database changed by hand, or damaged).
    #[error("{path}: {what} does not read back: {detail}")]
    Corrupt {
        path: PathBuf,
        what: String,
        detail: String,
    },
    /// Any other failure of the database.
    #[error("{path}: {what}: {source}")]
    Database {
        path: PathBuf,
        what: String,
        #[source]
        source: rusqlite::Error,
    },
    /// Writing an export (not the database) failed.
    #[error("{path}: write the NDJSON export: {source}")]
    Export {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    /// Whether nothing more can be written to the database (disk full, or unwritable).
    pub fn is_write_failure(&self) -> bool {
        matches!(self, Self::Full { .. } | Self::Unwritable { .. })
    }

    /// Whether the disk (or the database's size limit) is full.
    pub fn is_disk_full(&self) -> bool {
        matches!(self, Self::Full { .. })
    }

    /// The database the error is about.
    pub fn path(&self) -> &std::path::Path {
        match self {
            Self::Full { path, .. }
            | Self::Unwritable { path, .. }
            | Self::NotADatabase { path, .. }
            | Self::NotAJournal { path }
            | Self::Version { path, .. }
            | Self::Duplicate { path, .. }
            | Self::Corrupt { path, .. }
            | Self::Database { path, .. }
            | Self::Export { path, .. } => path,
        }
    }

    /// Sorts a database failure by what it means for the caller: a full disk, a database that
    /// cannot be written, a file that is not a database, or another failure.
    pub(crate) fn classify(path: &std::path::Path, what: String, source: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        let path = path.to_path_buf();
        match source.sqlite_error_code() {
            Some(ErrorCode::DiskFull) => Self::Full { path, what },
            Some(
                ErrorCode::ReadOnly
                | ErrorCode::CannotOpen
                | ErrorCode::PermissionDenied
                | ErrorCode::SystemIoFailure,
            ) => Self::Unwritable { path, what, source },
            Some(ErrorCode::NotADatabase) => Self::NotADatabase { path, source },
            _ => Self::Database { path, what, source },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::ffi;

    fn failure(code: i32) -> rusqlite::Error {
        rusqlite::Error::SqliteFailure(ffi::Error::new(code), None)
    }

    #[test]
    fn failures_are_sorted_by_what_they_mean() {
        let p = std::path::Path::new("/data/journal.db");
        let full = StoreError::classify(p, "appending entry #3".into(), failure(ffi::SQLITE_FULL));
        assert!(full.is_write_failure() && full.is_disk_full());
        let text = full.to_string();
        assert!(
            text.starts_with("/data/journal.db: the disk is full"),
            "{text}"
        );
        assert!(text.contains("appending entry #3"), "{text}");
        for code in [
            ffi::SQLITE_READONLY,
            ffi::SQLITE_CANTOPEN,
            ffi::SQLITE_PERM,
            ffi::SQLITE_IOERR,
        ] {
            let e = StoreError::classify(p, "x".into(), failure(code));
            assert!(matches!(e, StoreError::Unwritable { .. }), "{code}: {e:?}");
            assert!(e.is_write_failure() && !e.is_disk_full());
        }
        let e = StoreError::classify(p, "x".into(), failure(ffi::SQLITE_NOTADB));
        assert!(matches!(e, StoreError::NotADatabase { .. }), "{e:?}");
        let e = StoreError::classify(p, "x".into(), failure(ffi::SQLITE_CORRUPT));
        assert!(!e.is_write_failure(), "{e:?}");
        assert_eq!(e.path(), p);
    }
}
