//! How the stubbed parties react to what reaches them, as `stubs/counterparties.toml`
//! declares: which message they answer (`when`, and `if` a field has a value), who answers
//! (`from`), after how long (`after`), to whom (`to`), with which template (`send`), and what
//! follows (`then`). Every reaction is checked when it is loaded: its templates, and the
//! pointers its `to` and `if` name against the schema of the message that triggers it.

use std::path::Path;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;

use crate::embedded;
use crate::schema::SchemaSet;

/// Which messages a reaction answers.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    pub interface: String,
    pub event: Option<String>,
}

/// A condition on the triggering message: the value at `pointer`, or the harness's
/// `verdict` on it, equals `equals`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub pointer: Option<String>,
    /// A judgement the harness makes of the message ([`VERDICTS`]).
    pub verdict: Option<String>,
    pub equals: toml::Value,
}

/// The verdicts a condition may name, and the values each takes: `settlement`, the market's
/// settlement rules on a day of consumption (CONTRACT-ROLES.md §6.3 D5), `accepted` or
/// `rejected`.
pub const VERDICTS: &[(&str, &[&str])] = &[("settlement", &["accepted", "rejected"])];

/// The harness's verdicts on one message, by name; a verdict it has not made is unknown.
pub type Verdicts<'a> = &'a dyn Fn(&str) -> Option<String>;

impl Condition {
    /// Whether `payload` meets it; a verdict that `verdicts` does not know holds.
    pub fn holds(&self, payload: &Value, verdicts: Verdicts<'_>) -> bool {
        let want = serde_json::to_value(&self.equals).unwrap_or(Value::Null);
        match (&self.pointer, &self.verdict) {
            (Some(pointer), _) => payload.pointer(pointer) == Some(&want),
            (None, Some(name)) => verdicts(name).is_none_or(|v| want.as_str() == Some(v.as_str())),
            (None, None) => false,
        }
    }
}

/// What the stub sends.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reply {
    pub interface: String,
    pub event: String,
    /// The template's name in `stubs/templates/` (default `<interface>-<event>`).
    pub template: Option<String>,
}

/// A message sent after another one, by the same stub.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FollowOn {
    #[serde(default = "default_delay", with = "duration")]
    pub after: Duration,
    /// Recipients; by default those of the message it follows.
    pub to: Option<Vec<String>>,
    pub send: Reply,
    pub then: Option<Box<FollowOn>>,
}

/// One declared reaction.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reaction {
    pub name: String,
    pub when: Trigger,
    #[serde(rename = "if")]
    pub condition: Option<Condition>,
    /// The role of the stub that answers: the reaction runs when a message reaches a stubbed
    /// party of this role.
    pub from: String,
    #[serde(default = "default_delay", with = "duration")]
    pub after: Duration,
    /// Recipients: DIP IDs, or `${request:/pointer}` into the triggering message. By default,
    /// the triggering message's sender.
    pub to: Option<Vec<String>>,
    pub send: Reply,
    pub then: Option<Box<FollowOn>>,
    /// Where it is declared (`file:line`).
    #[serde(skip)]
    pub source: String,
}

impl Reaction {
    /// Whether the reaction answers `payload` reaching a stub of `role`, given the
    /// harness's `verdicts` on it.
    pub fn answers(
        &self,
        role: &str,
        interface: &str,
        event: &str,
        payload: &Value,
        verdicts: Verdicts<'_>,
    ) -> bool {
        self.from == role
            && self.when.interface == interface
            && self.when.event.as_deref().is_none_or(|e| e == event)
            && self
                .condition
                .as_ref()
                .is_none_or(|c| c.holds(payload, verdicts))
    }
}

/// The delay of a reaction without `after`: the 10 ms of CONTRACT-ROLES.md §6.6.
fn default_delay() -> Duration {
    Duration::from_millis(10)
}

mod duration {
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
    reaction: Vec<toml::Spanned<Reaction>>,
}

/// Why the reactions could not be loaded; each names the file and line.
#[derive(Debug, thiserror::Error)]
pub enum ReactionError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{location}: {message}")]
    Invalid { location: String, message: String },
}

/// Every declared reaction.
#[derive(Debug, Clone, Default)]
pub struct Reactions(pub Vec<Reaction>);

impl Reactions {
    /// From `DIR/counterparties.toml`, or the shipped one, checked against `schemas`.
    pub fn load(dir: Option<&Path>, schemas: &SchemaSet) -> Result<Self, ReactionError> {
        let (name, text) = stub_file(dir, "counterparties.toml")?;
        Self::parse(&name, &text, schemas)
    }

    /// The reactions of an E2E sandbox: those of [`Reactions::load`], and the market's part
    /// between real systems from `DIR/sandbox.toml` (or the shipped one): the Registration
    /// Service asking the proposed services, publishing changes of supplier, and so on.
    pub fn load_sandbox(dir: Option<&Path>, schemas: &SchemaSet) -> Result<Self, ReactionError> {
        let mut out = Self::load(dir, schemas)?;
        let (name, text) = stub_file(dir, "sandbox.toml")?;
        out.0.extend(Self::parse(&name, &text, schemas)?.0);
        Ok(out)
    }

    /// From the text of a reactions file named `name`.
    pub fn parse(name: &str, text: &str, schemas: &SchemaSet) -> Result<Self, ReactionError> {
        let line = |offset: usize| text[..offset.min(text.len())].lines().count().max(1);
        let file: File = toml::from_str(text).map_err(|e| ReactionError::Invalid {
            location: format!("{name}:{}", e.span().map_or(1, |s| line(s.start))),
            message: e.message().to_owned(),
        })?;
        let mut out = Vec::new();
        for spanned in file.reaction {
            let at = format!("{name}:{}", line(spanned.span().start) + 1);
            let mut r = spanned.into_inner();
            r.source.clone_from(&at);
            check(&r, schemas).map_err(|message| ReactionError::Invalid {
                location: at,
                message: format!("reaction {:?}: {message}", r.name),
            })?;
            out.push(r);
        }
        Ok(Self(out))
    }

    /// The reactions of a stub of `role` to `payload`, given the harness's `verdicts` on it.
    pub fn triggered_by<'a>(
        &'a self,
        role: &'a str,
        interface: &'a str,
        event: &'a str,
        payload: &'a Value,
        verdicts: Verdicts<'a>,
    ) -> impl Iterator<Item = &'a Reaction> + 'a {
        self.0
            .iter()
            .filter(move |r| r.answers(role, interface, event, payload, verdicts))
    }
}

/// The name and text of `DIR/file`, or of the shipped `stubs/file`.
fn stub_file(dir: Option<&Path>, file: &str) -> Result<(String, String), ReactionError> {
    let Some(d) = dir else {
        let name = format!("stubs/{file}");
        let text = embedded::file(&name).unwrap_or_default().to_owned();
        return Ok((name, text));
    };
    let path = d.join(file);
    let text = std::fs::read_to_string(&path).map_err(|source| ReactionError::Read {
        path: path.display().to_string(),
        source,
    })?;
    Ok((path.display().to_string(), text))
}

/// The pointer of a `${request:/pointer}` recipient, `None` for a literal DIP ID.
pub fn request_pointer(recipient: &str) -> Option<&str> {
    recipient
        .strip_prefix("${request:")
        .and_then(|r| r.strip_suffix('}'))
}

/// One message of a reaction's chain: its recipients, what it sends, and what follows.
type Step<'a> = (&'a Option<Vec<String>>, &'a Reply, Option<&'a FollowOn>);

/// A reaction makes sense: its roles exist, its recipients are DIP IDs or pointers that the
/// trigger's schema defines, its condition points into the trigger, and its replies are
/// interfaces and events of the catalogue.
fn check(r: &Reaction, schemas: &SchemaSet) -> Result<(), String> {
    if crate::market::roles::role(&r.from).is_none() {
        return Err(format!("`from` {:?} is not a DIP role", r.from));
    }
    let catalogue = schemas.catalogue();
    let trigger = catalogue
        .get(&r.when.interface)
        .ok_or_else(|| format!("`when` names an unknown interface {:?}", r.when.interface))?;
    let events: Vec<&str> = match &r.when.event {
        Some(e) if trigger.event_codes.contains(e) => vec![e.as_str()],
        Some(e) => {
            return Err(format!(
                "`when` names {e:?}, not an event of {} ({})",
                trigger.id,
                trigger.event_codes.join(", ")
            ));
        }
        None => trigger.event_codes.iter().map(String::as_str).collect(),
    };
    let in_trigger = |what: &str, pointer: &str| -> Result<(), String> {
        match events
            .iter()
            .find(|e| !schemas.defines(&trigger.id, e, pointer))
        {
            Some(e) if schemas.covers(&trigger.id, e) => Err(format!(
                "{what} names {pointer}, which {} {e} does not have",
                trigger.id
            )),
            _ => Ok(()),
        }
    };
    if let Some(c) = &r.condition {
        match (&c.pointer, &c.verdict) {
            (Some(pointer), None) => in_trigger("`if`", pointer)?,
            (None, Some(name)) => {
                let Some((_, values)) = VERDICTS.iter().find(|(v, _)| v == name) else {
                    return Err(format!(
                        "`if` names the verdict {name:?}; the verdicts are {}",
                        VERDICTS
                            .iter()
                            .map(|(v, _)| *v)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ));
                };
                if !c.equals.as_str().is_some_and(|e| values.contains(&e)) {
                    return Err(format!(
                        "`if` verdict {name:?} equals {}; it is one of {}",
                        c.equals,
                        values.join(", ")
                    ));
                }
            }
            _ => return Err("`if` needs either `pointer` or `verdict`, not both".to_owned()),
        }
    }
    let mut step: Option<Step<'_>> = Some((&r.to, &r.send, r.then.as_deref()));
    while let Some((to, send, then)) = step {
        for recipient in to.iter().flatten() {
            match request_pointer(recipient) {
                Some(pointer) => in_trigger("`to`", pointer)?,
                None if crate::config::check_dip_id(recipient).is_ok() => {}
                None => {
                    return Err(format!(
                        "`to` {recipient:?} is neither a DIP ID nor ${{request:/pointer}}"
                    ));
                }
            }
        }
        if !catalogue.has_event(&send.interface, &send.event) {
            return Err(format!(
                "`send` names {} {}, not an interface and event of the catalogue",
                send.interface, send.event
            ));
        }
        step = then.map(|f| (&f.to, &f.send, f.then.as_deref()));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schemas() -> std::sync::Arc<SchemaSet> {
        SchemaSet::embedded().unwrap()
    }

    #[test]
    fn the_shipped_reactions_load() {
        let r = Reactions::load(None, &schemas()).unwrap();
        // The supplier's two, the seven of the Registration Service around a metering
        // service, and the four around a data service.
        assert_eq!(r.0.len(), 13);
        assert_eq!(r.0[0].source, "stubs/counterparties.toml:17");
        assert!(
            r.0.iter()
                .any(|x| x.name == "Registration Service answers a meter installation")
        );
    }

    #[test]
    fn a_to_pointer_the_trigger_lacks_is_refused_with_file_and_line() {
        let text = r#"
[[reaction]]
name = "answers"
when = { interface = "IF-031", event = "[MSApp]" }
from = "REGS"
to = ["${request:/CommonBlock/S1/senderDIPID}"]
send = { interface = "IF-032", event = "[MSAppInitialResp]" }

[[reaction]]
name = "misdirected"
when = { interface = "IF-031", event = "[MSApp]" }
from = "REGS"
to = ["${request:/CustomBlock/B070/noSuchField}"]
send = { interface = "IF-032", event = "[MSAppInitialResp]" }
"#;
        let e = Reactions::parse("mine.toml", text, &schemas()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mine.toml:9: reaction \"misdirected\": `to` names /CustomBlock/B070/noSuchField, which IF-031 [MSApp] does not have"
        );
    }

    #[test]
    fn conditions_and_follow_ons_are_read_and_checked() {
        let text = r#"
[[reaction]]
name = "accepts"
when = { interface = "IF-031", event = "[MSApp]" }
if = { pointer = "/CustomBlock/B070/appointmentScenario", equals = "COS" }
from = "REGS"
send = { interface = "IF-032", event = "[MSAppInitialResp]" }
then = { after = "20ms", to = ["1200000001"], send = { interface = "IF-032", event = "[MSAppInitialResp]" } }
"#;
        let r = Reactions::parse("mine.toml", text, &schemas()).unwrap();
        let then = r.0[0].then.as_ref().unwrap();
        assert_eq!(then.after, Duration::from_millis(20));
        let cos = serde_json::json!({"CustomBlock": {"B070": {"appointmentScenario": "COS"}}});
        let csp = serde_json::json!({"CustomBlock": {"B070": {"appointmentScenario": "CSP"}}});
        let none = |_: &str| None;
        assert!(r.0[0].answers("REGS", "IF-031", "[MSApp]", &cos, &none));
        assert!(!r.0[0].answers("REGS", "IF-031", "[MSApp]", &csp, &none));
        assert!(!r.0[0].answers("MSS", "IF-031", "[MSApp]", &cos, &none));

        let bad_if = text.replace("B070/appointmentScenario", "B070/nothing");
        let e = Reactions::parse("mine.toml", &bad_if, &schemas()).unwrap_err();
        assert!(
            e.to_string().starts_with(
                "mine.toml:2: reaction \"accepts\": `if` names /CustomBlock/B070/nothing"
            ),
            "{e}"
        );
        let bad_then = text.replace("to = [\"1200000001\"]", "to = [\"MSS\"]");
        let e = Reactions::parse("mine.toml", &bad_then, &schemas()).unwrap_err();
        assert!(
            e.to_string().contains("`to` \"MSS\" is neither a DIP ID"),
            "{e}"
        );
    }

    #[test]
    fn a_verdict_condition_is_checked_and_holds_by_the_harness_verdict() {
        let text = r#"
[[reaction]]
name = "rejects"
when = { interface = "IF-021", event = "[ActivePower]" }
if = { verdict = "settlement", equals = "rejected" }
from = "MDS"
send = { interface = "IF-014", event = "[ActivePowerRejected]" }
"#;
        let r = Reactions::parse("mine.toml", text, &schemas()).unwrap();
        let p = serde_json::json!({});
        let rejected = |_: &str| Some("rejected".to_owned());
        let accepted = |_: &str| Some("accepted".to_owned());
        assert!(r.0[0].answers("MDS", "IF-021", "[ActivePower]", &p, &rejected));
        assert!(!r.0[0].answers("MDS", "IF-021", "[ActivePower]", &p, &accepted));
        let e = Reactions::parse(
            "mine.toml",
            &text.replace("\"settlement\"", "\"mood\""),
            &schemas(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("the verdicts are settlement"), "{e}");
        let e = Reactions::parse(
            "mine.toml",
            &text.replace("\"rejected\"", "\"maybe\""),
            &schemas(),
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("it is one of accepted, rejected"),
            "{e}"
        );
    }
}
