//! The recipients the DIP adds to a message's primary ones (`stubs/routing.toml`,
//! CONTRACT-ROLES.md §6.6 Routing): by publication, the roles appointed to or responsible for
//! the MPAN, resolved through the party registry and the registry of appointments at the
//! moment of routing.

use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

use crate::embedded;
use crate::party::{Appointments, Parties};

/// The roles the DIP adds for one publication.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub publication: String,
    pub adds: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    route: Vec<Route>,
}

/// Roles a route may name: those appointed per MPAN, the distributor, the central services.
const ROLES: [&str; 8] = ["SUP", "MS", "DS", "MDR", "LDSO", "MDS", "EES", "LSS"];

/// Every route.
#[derive(Debug, Clone, Default)]
pub struct Routing(pub Vec<Route>);

impl Routing {
    /// From `DIR/routing.toml` (when it exists), or the shipped one.
    pub fn load(dir: Option<&Path>) -> Result<Self, super::ReactionError> {
        let shipped = || {
            (
                "stubs/routing.toml".to_owned(),
                embedded::file("stubs/routing.toml")
                    .unwrap_or_default()
                    .to_owned(),
            )
        };
        let (name, text) = match dir.map(|d| d.join("routing.toml")) {
            Some(path) if path.exists() => {
                let text = std::fs::read_to_string(&path).map_err(|source| {
                    super::ReactionError::Read {
                        path: path.display().to_string(),
                        source,
                    }
                })?;
                (path.display().to_string(), text)
            }
            _ => shipped(),
        };
        let line = |offset: usize| text[..offset.min(text.len())].lines().count().max(1);
        let file: File = toml::from_str(&text).map_err(|e| super::ReactionError::Invalid {
            location: format!("{name}:{}", e.span().map_or(1, |s| line(s.start))),
            message: e.message().to_owned(),
        })?;
        for r in &file.route {
            if let Some(bad) = r.adds.iter().find(|a| !ROLES.contains(&a.as_str())) {
                let at = text
                    .lines()
                    .position(|l| l.contains(&r.publication))
                    .map_or(1, |i| i + 1);
                return Err(super::ReactionError::Invalid {
                    location: format!("{name}:{at}"),
                    message: format!(
                        "route of {}: {bad:?} is not one of {}",
                        r.publication,
                        ROLES.join(", ")
                    ),
                });
            }
        }
        Ok(Self(file.route))
    }

    /// The DIP IDs the DIP adds to a message of `publication` about `payload`'s MPAN, in the
    /// route's order, without repeats.
    pub fn added(
        &self,
        publication: &str,
        payload: &Value,
        parties: &Parties,
        appointments: &Appointments,
    ) -> Vec<String> {
        let Some(route) = self.0.iter().find(|r| r.publication == publication) else {
            return Vec::new();
        };
        let mpan = payload
            .pointer("/CommonBlock/M0/MPANCore")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let mut out: Vec<String> = Vec::new();
        for role in &route.adds {
            let id = match role.as_str() {
                // Only parties of the run: an appointment the registry learnt may name one
                // that is not (a stub's template names its own example services).
                "SUP" | "MS" | "DS" | "MDR" => appointments
                    .appointed(mpan, role)
                    .filter(|id| parties.get(id).is_some()),
                "LDSO" => payload
                    .pointer("/CommonBlock/M0/distributorDIPID")
                    .and_then(Value::as_str)
                    .filter(|id| parties.get(id).is_some())
                    .map(str::to_owned),
                central => parties.with_role(central).map(|p| p.dip_id.clone()),
            };
            if let Some(id) = id
                && !out.contains(&id)
            {
                out.push(id);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_routes_load_and_a_bad_role_is_refused() {
        let r = Routing::load(None).unwrap();
        assert_eq!(r.0.len(), 9);
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("routing.toml"),
            "[[route]]\npublication = \"PUB-006\"\nadds = [\"SUP\", \"BANK\"]\n",
        )
        .unwrap();
        let e = Routing::load(Some(dir.path())).unwrap_err().to_string();
        assert!(
            e.ends_with("routing.toml:2: route of PUB-006: \"BANK\" is not one of SUP, MS, DS, MDR, LDSO, MDS, EES, LSS"),
            "{e}"
        );
    }
}
