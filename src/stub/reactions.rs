//! Counterparties reacting to what the SUT submits, as `stubs/counterparties.toml` declares:
//! who answers which submission, after how long, with which template.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use crate::embedded;

/// Which submissions a reaction answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    pub interface: String,
    pub event: Option<String>,
}

/// What the counterparty sends back.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    pub interface: String,
    pub event: String,
    /// The template's name in `stubs/templates/` (default `<interface>-<event>`).
    pub template: Option<String>,
}

/// One declared reaction.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reaction {
    pub name: String,
    pub when: Trigger,
    /// The role of the counterparty that answers.
    pub from: String,
    #[serde(default = "no_delay", with = "humantime_serde_shim")]
    pub after: Duration,
    pub send: Reply,
}

fn no_delay() -> Duration {
    Duration::ZERO
}

mod humantime_serde_shim {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer};

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let s = String::deserialize(d)?;
        humantime::parse_duration(&s).map_err(serde::de::Error::custom)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    reaction: Vec<Reaction>,
}

/// Every declared reaction.
#[derive(Debug, Clone, Default)]
pub struct Reactions(pub Vec<Reaction>);

impl Reactions {
    /// From `DIR/counterparties.toml`, or the shipped one.
    pub fn load(dir: Option<&Path>) -> Result<Self, String> {
        let (name, text) = match dir {
            Some(d) => {
                let path = d.join("counterparties.toml");
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                (path.display().to_string(), text)
            }
            None => (
                "stubs/counterparties.toml".to_owned(),
                embedded::file("stubs/counterparties.toml")
                    .unwrap_or_default()
                    .to_owned(),
            ),
        };
        let file: File = toml::from_str(&text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start].lines().count().max(1));
            format!("{name}:{}: {}", line.unwrap_or(1), e.message())
        })?;
        Ok(Self(file.reaction))
    }

    /// The reactions a submission of `interface`/`event` triggers.
    pub fn triggered_by<'a>(
        &'a self,
        interface: &'a str,
        event: &'a str,
    ) -> impl Iterator<Item = &'a Reaction> + 'a {
        self.0.iter().filter(move |r| {
            r.when.interface == interface && r.when.event.as_deref().is_none_or(|e| e == event)
        })
    }
}
