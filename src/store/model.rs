//! What a store keeps and how it is asked: the [`Store`] trait and its records.

use std::fmt::Debug;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::StoreError;
use crate::journal::{Body, Entry, Tap};

/// A journal kept in a database, with the messages held for participants that are down.
///
/// Entries are keyed by their journal number (`seq`): each is appended once and read back
/// whole, equal to what was appended. Every method is synchronous (see the module docs).
pub trait Store: Send + Sync + Debug {
    /// Appends one entry. An entry whose number is already in the store is refused
    /// ([`StoreError::Duplicate`]), never kept twice.
    fn append(&self, entry: &Entry) -> Result<(), StoreError>;

    /// Up to `limit` entries numbered after `after_seq`, in order.
    fn since(&self, after_seq: u64, limit: usize) -> Result<Vec<Entry>, StoreError>;

    /// The entries that match every criterion of `q`, in order.
    fn query(&self, q: &Query) -> Result<Vec<Entry>, StoreError>;

    /// The number of the latest entry (0 when there is none): a journal continuing this one
    /// starts after it.
    fn last_seq(&self) -> Result<u64, StoreError>;

    /// How many entries the store holds.
    fn count(&self) -> Result<u64, StoreError>;

    /// Holds a message for re-delivery; returns its id (never reused, even once released).
    fn hold(&self, h: &NewHeld) -> Result<u64, StoreError>;

    /// The messages held, oldest first: all of them, or those for one DIP ID.
    fn held(&self, to: Option<&str>) -> Result<Vec<Held>, StoreError>;

    /// Removes a held message. `true` for the one caller that removed it; `false` when it was
    /// not held (already released, by this process or another): the caller that gets `true`
    /// is the one that delivers it, so a message is never delivered twice.
    fn release(&self, id: u64) -> Result<bool, StoreError>;

    /// Writes every entry, one JSON object per line, in the format of `journal.ndjson`
    /// ([`crate::journal::Journal::write_ndjson`]); returns how many.
    fn export_ndjson(&self, out: &mut dyn std::io::Write) -> Result<u64, StoreError>;
}

/// What [`Store::query`] selects: every criterion given must hold; none given selects all.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    /// The MPAN the entry is about.
    pub mpan: Option<String>,
    /// The entry's flow ([`flow_of`]).
    pub flow: Option<String>,
    /// A party label (`SUP 2300000001`) the entry is from or to.
    pub party: Option<String>,
    /// Appended at or after this wall-clock time, in milliseconds since the Unix epoch (the
    /// entries' own `at_ms` count from the start of the process that recorded them, so they
    /// start again at 0 after a restart).
    pub from_ms: Option<i64>,
    /// Appended before this wall-clock time, in milliseconds since the Unix epoch.
    pub to_ms: Option<i64>,
    /// Numbered after this.
    pub after_seq: Option<u64>,
    /// At most this many (the first ones in order).
    pub limit: Option<usize>,
}

/// A message to hold for a participant that did not take it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewHeld {
    /// The DIP ID it is for.
    pub to: String,
    /// The party that sent it (its label, `SUP 2300000001`).
    pub from: String,
    pub scenario: Option<String>,
    /// The message as it is to be delivered.
    pub payload: Value,
    /// Why it is held (`503 from the webhook`, `connection refused` ...).
    pub reason: String,
    /// The journal entry that held it.
    pub seq: u64,
}

/// A message held for re-delivery.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Held {
    pub id: u64,
    /// The DIP ID it is for.
    pub to: String,
    /// The party that sent it (its label).
    pub from: String,
    pub scenario: Option<String>,
    pub payload: Value,
    pub reason: String,
    /// When it was held (RFC 3339, UTC).
    pub held_at: String,
    /// The journal entry that held it.
    pub seq: u64,
}

/// An entry's flow, the thread of messages it belongs to: its scenario when it has one, else
/// the `D0.initialCorrelationID` of its (first) message, else none.
pub fn flow_of(entry: &Entry) -> Option<String> {
    if let Some(s) = &entry.scenario {
        return Some(s.clone());
    }
    let Body::Json(body) = &entry.body else {
        return None;
    };
    // The DIP's array form (`[{"payload": ...}]`), or one message as it is.
    let message = crate::dip::payloads(body).first().copied().unwrap_or(body);
    message
        .pointer("/CommonBlock/D0/initialCorrelationID")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// A journal tap that appends every entry recorded to `store`; an append that fails is
/// handed to `on_error` (the journal goes on: whoever runs it decides whether to stop
/// accepting messages, [`StoreError::is_write_failure`]).
pub fn tap(store: Arc<dyn Store>, on_error: impl Fn(&StoreError) + Send + Sync + 'static) -> Tap {
    Arc::new(move |entry: &Entry| {
        if let Err(e) = store.append(entry) {
            on_error(&e);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::journal::Direction;
    use serde_json::json;

    #[test]
    fn the_flow_is_the_scenario_else_the_initial_correlation_id() {
        let mut e = Entry::new(Direction::Egress, "/x");
        assert_eq!(flow_of(&e), None);
        e.body = Body::Json(
            json!([{"payload": {"CommonBlock": {"D0": {"initialCorrelationID": "c-1"}}}}]),
        );
        assert_eq!(flow_of(&e).as_deref(), Some("c-1"));
        e.body = Body::Json(json!({"CommonBlock": {"D0": {"initialCorrelationID": "c-2"}}}));
        assert_eq!(flow_of(&e).as_deref(), Some("c-2"));
        e.scenario = Some("QT-SUP-001".into());
        assert_eq!(flow_of(&e).as_deref(), Some("QT-SUP-001"));
        e.scenario = None;
        e.body = Body::Json(
            json!([{"payload": {"CommonBlock": {"D0": {"initialCorrelationID": null}}}}]),
        );
        assert_eq!(flow_of(&e), None);
        e.body = Body::Text("CommonBlock".into());
        assert_eq!(flow_of(&e), None);
    }
}
