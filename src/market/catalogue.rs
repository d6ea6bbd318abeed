//! The DIP data catalogue's enumerations for registration and meter data, read from the
//! shipped schemas (`schemas/common/blocks.json`) so that they cannot drift from what the
//! harness validates messages against.

use std::sync::OnceLock;

use serde_json::Value;

/// An enumerated data item of the DIP data catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Item {
    /// DI-050 `marketSegmentIndicator`.
    MarketSegment,
    /// DI-015 `connectionTypeIndicator`.
    ConnectionType,
    /// DI-033 `energisationStatus`.
    EnergisationStatus,
    /// DI-037 `GSPGroupID`.
    GspGroup,
    /// DI-059 `meterType`.
    MeterType,
}

impl Item {
    pub const ALL: [Self; 5] = [
        Self::MarketSegment,
        Self::ConnectionType,
        Self::EnergisationStatus,
        Self::GspGroup,
        Self::MeterType,
    ];

    /// The property name in the DIP schemas.
    pub fn property(self) -> &'static str {
        match self {
            Self::MarketSegment => "marketSegmentIndicator",
            Self::ConnectionType => "connectionTypeIndicator",
            Self::EnergisationStatus => "energisationStatus",
            Self::GspGroup => "GSPGroupID",
            Self::MeterType => "meterType",
        }
    }

    /// The data item id.
    pub fn data_item(self) -> &'static str {
        match self {
            Self::MarketSegment => "DI-050",
            Self::ConnectionType => "DI-015",
            Self::EnergisationStatus => "DI-033",
            Self::GspGroup => "DI-037",
            Self::MeterType => "DI-059",
        }
    }
}

/// The enumerations of [`Item`]s.
#[derive(Debug)]
pub struct Catalogue {
    values: Vec<(Item, Vec<String>)>,
}

impl Catalogue {
    /// From the schemas shipped in the binary (parsed once).
    pub fn shipped() -> &'static Self {
        static CELL: OnceLock<Catalogue> = OnceLock::new();
        CELL.get_or_init(|| {
            let text = crate::embedded::file("schemas/common/blocks.json")
                .expect("blocks.json is shipped");
            Self::from_blocks(&serde_json::from_str(text).expect("blocks.json is JSON"))
        })
    }

    /// From a parsed `blocks.json`: the first `enum` found under each item's property name.
    pub fn from_blocks(blocks: &Value) -> Self {
        let values = Item::ALL
            .iter()
            .map(|&item| (item, find_enum(blocks, item.property()).unwrap_or_default()))
            .collect();
        Self { values }
    }

    /// The values an item may take.
    pub fn values(&self, item: Item) -> &[String] {
        self.values
            .iter()
            .find(|(i, _)| *i == item)
            .map_or(&[][..], |(_, v)| v)
    }

    /// Whether `value` is one of the item's values.
    pub fn allows(&self, item: Item, value: &str) -> bool {
        self.values(item).iter().any(|v| v == value)
    }

    /// Every meter type.
    pub fn meter_types(&self) -> impl Iterator<Item = &str> {
        self.values(Item::MeterType).iter().map(String::as_str)
    }
}

fn find_enum(node: &Value, property: &str) -> Option<Vec<String>> {
    match node {
        Value::Object(map) => {
            if let Some(Value::Object(p)) = map.get(property)
                && let Some(Value::Array(e)) = p.get("enum")
            {
                return Some(
                    e.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect(),
                );
            }
            map.values().find_map(|v| find_enum(v, property))
        }
        Value::Array(items) => items.iter().find_map(|v| find_enum(v, property)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_schemas_give_every_enumeration() {
        let c = Catalogue::shipped();
        for item in Item::ALL {
            assert!(!c.values(item).is_empty(), "{item:?}");
        }
        assert!(c.allows(Item::MarketSegment, "S") && !c.allows(Item::MarketSegment, "X"));
        assert!(c.allows(Item::GspGroup, "_P") && !c.allows(Item::GspGroup, "_I"));
        assert!(c.allows(Item::MeterType, "S2ADE") && !c.allows(Item::MeterType, "S2"));
        assert_eq!(c.values(Item::ConnectionType), ["W", "L", "H", "E", "U"]);
    }
}
