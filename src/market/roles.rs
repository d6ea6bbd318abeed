//! The DIP roles (`schemas/roles.json`): which ones a system may qualify in and which ones the
//! harness only ever stubs. The one list of roles; configuration, packs and reference
//! participants read it.

use std::sync::OnceLock;

use serde::Deserialize;

/// One DIP role.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Role {
    /// The DT-009 code (`SUP`, `MSS`, `REGS` ...).
    pub code: String,
    pub name: String,
    /// Whether a participant's system may qualify in this role (a central service may not).
    pub qualifies: bool,
    /// The service it is appointed as, when several roles share one (`MS`, `DS`).
    #[serde(default)]
    pub family: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[allow(dead_code, reason = "documentation in the data file")]
    source: String,
    roles: Vec<Role>,
}

/// Every role, in the order of the data file.
pub fn roles() -> &'static [Role] {
    static ROLES: OnceLock<Vec<Role>> = OnceLock::new();
    ROLES.get_or_init(|| {
        let text = crate::embedded::file("schemas/roles.json").expect("schemas/roles.json ships");
        serde_json::from_str::<File>(text)
            .expect("schemas/roles.json is valid (tested)")
            .roles
    })
}

/// The role with this code.
pub fn role(code: &str) -> Option<&'static Role> {
    roles().iter().find(|r| r.code == code)
}

/// The codes of the roles a system may qualify in.
pub fn qualifying() -> impl Iterator<Item = &'static str> {
    roles()
        .iter()
        .filter(|r| r.qualifies)
        .map(|r| r.code.as_str())
}

/// The family a role is appointed as: `MS` for a metering service, `DS` for a data service
/// (as `schemas/roles.json` groups them), the role itself otherwise; a family is its own.
pub fn family(role: &str) -> &str {
    roles()
        .iter()
        .find(|r| r.code == role)
        .and_then(|r| r.family.as_deref())
        .unwrap_or(role)
}

/// Every role code.
pub fn codes() -> impl Iterator<Item = &'static str> {
    roles().iter().map(|r| r.code.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_role_list_loads_and_names_each_role_once() {
        let codes: Vec<&str> = codes().collect();
        let mut unique = codes.clone();
        unique.sort_unstable();
        unique.dedup();
        assert_eq!(unique.len(), codes.len());
        assert_eq!(
            qualifying().collect::<Vec<_>>(),
            ["SUP", "MSS", "MSA", "UMSO", "SDS", "ADS", "UMSDS", "LDSO"]
        );
        assert!(!role("REGS").unwrap().qualifies);
        assert_eq!(
            ["MSS", "MSA", "UMSO", "SDS", "ADS", "UMSDS", "SUP", "MS"].map(family),
            ["MS", "MS", "MS", "DS", "DS", "DS", "SUP", "MS"]
        );
    }
}
