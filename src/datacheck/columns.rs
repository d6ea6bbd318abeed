//! The column map: which column of a participant's extract holds each data item, from a
//! small TOML file (`--columns MAP`):
//!
//! ```toml
//! [columns]
//! mpan = "MPAN Core"
//! meter_id = "MSN"
//! ```
//!
//! Items left out keep the names `mhhs-qual testdata generate` writes. Unknown keys are
//! reported, not ignored.

use std::collections::BTreeMap;
use std::fmt;

/// The data items the rules read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    Mpan,
    GspGroup,
    MarketSegment,
    ConnectionType,
    MeterType,
    EnergisationStatus,
    MeterId,
    EsmeGuid,
}

impl Field {
    pub const ALL: [Self; 8] = [
        Self::Mpan,
        Self::GspGroup,
        Self::MarketSegment,
        Self::ConnectionType,
        Self::MeterType,
        Self::EnergisationStatus,
        Self::MeterId,
        Self::EsmeGuid,
    ];

    /// The key in the column map, also the default column name.
    pub fn key(self) -> &'static str {
        match self {
            Self::Mpan => "mpan",
            Self::GspGroup => "gsp_group",
            Self::MarketSegment => "market_segment",
            Self::ConnectionType => "connection_type",
            Self::MeterType => "meter_type",
            Self::EnergisationStatus => "energisation_status",
            Self::MeterId => "meter_id",
            Self::EsmeGuid => "esme_guid",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Column names by item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnMap {
    names: [String; 8],
}

/// Why a column map cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ColumnMapError {
    #[error("read column map {path}: {message}")]
    Read { path: String, message: String },
    #[error("column map {path}: not valid TOML: {message}")]
    Toml { path: String, message: String },
    #[error("column map {path}: unknown key `columns.{key}` (known: {known})")]
    UnknownKey {
        path: String,
        key: String,
        known: String,
    },
    #[error("column map {path}: `{key}` must be a string (a column name)")]
    NotAString { path: String, key: String },
}

#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    columns: BTreeMap<String, toml::Value>,
}

impl Default for ColumnMap {
    fn default() -> Self {
        Self {
            names: Field::ALL.map(|f| f.key().to_owned()),
        }
    }
}

impl ColumnMap {
    /// Reads a column map file.
    pub fn load(path: &std::path::Path) -> Result<Self, ColumnMapError> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ColumnMapError::Read {
            path: name.clone(),
            message: e.to_string(),
        })?;
        Self::parse(&text, &name)
    }

    /// Parses a column map.
    pub fn parse(text: &str, path: &str) -> Result<Self, ColumnMapError> {
        let file: File = toml::from_str(text).map_err(|e| ColumnMapError::Toml {
            path: path.to_owned(),
            message: e.message().to_owned(),
        })?;
        let mut map = Self::default();
        for (key, value) in file.columns {
            let Some(field) = Field::ALL.iter().find(|f| f.key() == key) else {
                return Err(ColumnMapError::UnknownKey {
                    path: path.to_owned(),
                    key,
                    known: Field::ALL.map(Field::key).join(", "),
                });
            };
            let toml::Value::String(name) = value else {
                return Err(ColumnMapError::NotAString {
                    path: path.to_owned(),
                    key,
                });
            };
            map.names[field.index()] = name;
        }
        Ok(map)
    }

    /// The column name of an item.
    pub fn name(&self, field: Field) -> &str {
        &self.names[field.index()]
    }

    /// The position of each item's column in a header; the items whose column is missing.
    pub fn resolve(&self, header: &[&str]) -> ([Option<usize>; 8], Vec<Field>) {
        let mut positions = [None; 8];
        let mut missing = Vec::new();
        for f in Field::ALL {
            match header.iter().position(|h| h.trim() == self.name(f)) {
                Some(i) => positions[f.index()] = Some(i),
                None => missing.push(f),
            }
        }
        (positions, missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_map_renames_some_columns_and_rejects_unknown_keys() {
        let m = ColumnMap::parse("[columns]\nmpan = \"MPAN Core\"\n", "m.toml").unwrap();
        assert_eq!(m.name(Field::Mpan), "MPAN Core");
        assert_eq!(m.name(Field::MeterId), "meter_id");
        assert!(matches!(
            ColumnMap::parse("[columns]\nmpn = \"x\"\n", "m.toml"),
            Err(ColumnMapError::UnknownKey { .. })
        ));
        assert!(matches!(
            ColumnMap::parse("[colums]\n", "m.toml"),
            Err(ColumnMapError::Toml { .. })
        ));
        let (pos, missing) = m.resolve(&["x", "MPAN Core", "gsp_group"]);
        assert_eq!(pos[Field::Mpan.index()], Some(1));
        assert_eq!(missing.len(), 6);
    }
}
