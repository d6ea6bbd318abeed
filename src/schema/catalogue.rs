//! The interface catalogue (`schemas/catalogue.json`): every IF/PUB/REP id with its name,
//! event codes, schema version, sender and receiver roles, and the schema file of each event
//! variant the harness covers.

use std::collections::BTreeMap;

use serde::Deserialize;

/// One interface of the catalogue.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Interface {
    pub id: String,
    #[serde(rename = "pub", default)]
    pub publication: Option<String>,
    pub name: String,
    #[serde(default, deserialize_with = "one_or_many")]
    pub schema_version: Vec<String>,
    #[serde(default)]
    pub event_codes: Vec<String>,
    #[serde(default)]
    pub senders: Vec<String>,
    #[serde(default)]
    pub receivers: Vec<String>,
    /// Event code to schema file (relative to the schema folder).
    #[serde(default)]
    pub variants: BTreeMap<String, String>,
}

impl Interface {
    /// The schema version messages of this interface carry today.
    pub fn current_version(&self) -> Option<&str> {
        self.schema_version.first().map(String::as_str)
    }
}

fn one_or_many<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
        None(()),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
        OneOrMany::None(()) => Vec::new(),
    })
}

/// The whole catalogue.
#[derive(Debug, Clone, Deserialize)]
pub struct Catalogue {
    pub interfaces: Vec<Interface>,
}

impl Catalogue {
    /// An interface by id (`IF-031`) or publication id (`PUB-031`).
    pub fn get(&self, id: &str) -> Option<&Interface> {
        self.interfaces
            .iter()
            .find(|i| i.id == id || i.publication.as_deref() == Some(id))
    }

    /// Whether `event` is one of the interface's event codes.
    pub fn has_event(&self, interface: &str, event: &str) -> bool {
        self.get(interface)
            .is_some_and(|i| i.event_codes.iter().any(|e| e == event))
    }
}
