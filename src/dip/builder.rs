//! Builds the payloads the harness's counterparties send, from templates.

use std::sync::Arc;

use serde_json::{Value, json};

use super::{Ids, TemplateError, Templates, Vars, fill, now_dt003};
use crate::config::{Config, Counterparty};
use crate::market::{Segment, distributor_dip_id, gsp_group_for};
use crate::schema::SchemaSet;

/// What a payload is about.
#[derive(Debug, Clone)]
pub struct Subject {
    pub mpan: String,
    pub segment: Segment,
}

/// Builds payloads: the template of the variant, filled, with a correct `CommonBlock` from
/// the sending counterparty.
#[derive(Debug, Clone)]
pub struct Builder {
    pub templates: Templates,
    pub schemas: Arc<SchemaSet>,
    pub config: Arc<Config>,
    pub ids: Arc<Ids>,
}

impl Builder {
    /// The variables every template can use.
    pub fn vars(&self, from: &Counterparty, subject: &Subject) -> Vars {
        let p = self.config.participant();
        let distributor: u8 = subject
            .mpan
            .get(..2)
            .and_then(|d| d.parse().ok())
            .unwrap_or(10);
        let mut vars = Vars::new()
            .set("mpan", subject.mpan.clone())
            .set("distributor_dip_id", self.distributor_dip_id(distributor))
            .set("gsp_group", gsp_group_for(distributor).unwrap_or("_A"))
            .set("segment", subject.segment.indicator())
            .set("connection_type", subject.segment.connection_type())
            .set("metered", subject.segment != Segment::Unmetered)
            .set("now", now_dt003())
            .set("environment", self.config.environment.clone())
            .set("sut.dip_id", p.dip_id.clone())
            .set("sut.mpid", p.mpid.clone())
            .set("sut.role", p.role.clone())
            .set("sender.dip_id", from.dip_id.clone())
            .set("sender.mpid", from.mpid.clone())
            .set("sender.role", from.role.clone());
        // What an appointment request asks, unless the scenario says otherwise: the first
        // supplier of the configuration, from 7 days ahead at 00:00 UTC (CONTRACT-ROLES.md §6.5).
        let week = time::OffsetDateTime::now_utc().replace_time(time::Time::MIDNIGHT)
            + time::Duration::days(7);
        vars = vars
            .set("effective_from", super::format_dt003(week))
            .set("css_registration_id", css_registration_id())
            .set("contract_reference", "MS-CONTRACT-0001")
            .set("appointment_scenario", "COS");
        if let Some(c) = self.config.counterparty("SUP") {
            vars = vars
                .set("supplier.dip_id", c.dip_id.clone())
                .set("supplier.mpid", c.mpid.clone());
        }
        for (name, role) in [
            ("data_service", subject.segment.data_role()),
            ("metering_service", subject.segment.metering_role()),
        ] {
            if let Some(c) = self.config.counterparty(role) {
                vars = vars
                    .set(&format!("{name}.dip_id"), c.dip_id.clone())
                    .set(&format!("{name}.mpid"), c.mpid.clone());
            }
        }
        // A smart MPAN's supplier nominates the configured meter data retriever, from the
        // appointment's start; other segments have none (CONTRACT-ROLES.md §6.3 D1).
        let mdr = self
            .config
            .counterparty("MDR")
            .filter(|_| subject.segment == Segment::Smart);
        vars = vars
            .set(
                "nominated_mdr.dip_id",
                mdr.map_or(Value::Null, |c| Value::from(c.dip_id.clone())),
            )
            .set(
                "nominated_mdr.mpid",
                mdr.map_or(Value::Null, |c| Value::from(c.mpid.clone())),
            )
            .set(
                "nominated_mdr.from",
                mdr.map_or(Value::Null, |_| Value::from(super::format_dt003(week))),
            );
        for c in &self.config.counterparties {
            vars = vars
                .set(&format!("counterparty.{}.dip_id", c.role), c.dip_id.clone())
                .set(&format!("counterparty.{}.mpid", c.role), c.mpid.clone());
        }
        vars
    }

    /// The DIP ID of the distributor with this id, as messages name it: the configuration's
    /// distributor participant (an `LDSO`) when it has one, which is then the distributor of
    /// every MPAN the harness works on (its own, CONTRACT-ROLES.md §6.4 L2), else the harness's
    /// own for that id.
    pub fn distributor_dip_id(&self, distributor: u8) -> String {
        self.config
            .participants
            .iter()
            .find(|p| p.role == "LDSO")
            .map_or_else(|| distributor_dip_id(distributor), |p| p.dip_id.clone())
    }

    /// A payload of `interface`/`event` sent by `from` to the SUT about `subject`.
    pub fn payload(
        &self,
        from: &Counterparty,
        interface: &str,
        event: &str,
        subject: &Subject,
        vars: Vars,
    ) -> Result<Value, TemplateError> {
        self.payload_from(None, from, interface, event, subject, vars)
    }

    /// As [`Builder::payload`], from a named template.
    pub fn payload_from(
        &self,
        template: Option<&str>,
        from: &Counterparty,
        interface: &str,
        event: &str,
        subject: &Subject,
        vars: Vars,
    ) -> Result<Value, TemplateError> {
        let template = self.templates.payload(interface, event, template)?;
        let mut payload = fill(&template, &vars);
        let version = self
            .schemas
            .catalogue()
            .get(interface)
            .and_then(|i| i.current_version().map(str::to_owned))
            .unwrap_or_else(|| "011".into());
        let distributor: u8 = subject
            .mpan
            .get(..2)
            .and_then(|d| d.parse().ok())
            .unwrap_or(10);
        let common = payload
            .as_object_mut()
            .ok_or_else(|| TemplateError::NotAnObject {
                interface: interface.to_owned(),
                event: event.to_owned(),
                what: "the template",
            })?
            .entry("CommonBlock")
            .or_insert_with(|| json!({}));
        let common = common
            .as_object_mut()
            .ok_or_else(|| TemplateError::NotAnObject {
                interface: interface.to_owned(),
                event: event.to_owned(),
                what: "CommonBlock",
            })?;
        common.insert(
            "S0".into(),
            json!({"interfaceID": interface, "schemaVersion": version, "eventCode": event}),
        );
        common.insert(
            "S1".into(),
            json!({
                "environmentTag": self.config.environment,
                "subText": null,
                "senderUniqueReference": self.ids.sender_reference(interface, &from.dip_id, &from.role),
                "senderTimestamp": now_dt003(),
                "senderDIPID": from.dip_id,
                "senderRoleID": from.role,
                "senderCorrelationID": null,
                "DIPConnectionProviderID": null,
            }),
        );
        // A message about no one MPAN (IF-022, IF-023 load shapes) has no M0; one about a
        // relationship of MPANs (IF-020) names the subject as its principal MPAN in M1.
        let has_m0 = self.schemas.defines(interface, event, "/CommonBlock/M0")
            || !self.schemas.covers(interface, event);
        let gsp_group = gsp_group_for(distributor).unwrap_or("_A");
        if let Some(m1) = common.get_mut("M1").and_then(Value::as_object_mut) {
            m1.insert("principalMPAN".into(), json!(subject.mpan));
            m1.insert(
                "distributorDIPID".into(),
                json!(self.distributor_dip_id(distributor)),
            );
            m1.insert("GSPGroupID".into(), json!(gsp_group));
        } else if has_m0 {
            common.insert(
                "M0".into(),
                json!({
                    "MPANCore": subject.mpan,
                    "distributorDIPID": self.distributor_dip_id(distributor),
                    "GSPGroupID": gsp_group,
                }),
            );
        }
        common.insert("A0".into(), json!({"primaryRecipients": [self.config.participant().dip_id], "secondaryRecipients": [], "always": []}));
        common.remove("D0");
        Ok(payload)
    }
}

/// A fresh CSS registration ID, shaped as a UUID (DI-849).
pub fn css_registration_id() -> String {
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        fastrand::u32(..),
        fastrand::u16(..),
        fastrand::u16(..0x1000),
        fastrand::u16(..0x1000),
        fastrand::u64(..0x1_0000_0000_0000)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn builder(with_distributor: bool) -> Builder {
        let text = crate::embedded::file("config/reference.toml").expect("shipped");
        let (mut config, _) =
            crate::config::load_str(text, "config/reference.toml", Vec::new()).unwrap();
        if !with_distributor {
            config.participants.retain(|p| p.role != "LDSO");
        }
        Builder {
            templates: Templates::default(),
            schemas: SchemaSet::embedded().unwrap(),
            config: Arc::new(config),
            ids: Arc::new(Ids::new()),
        }
    }

    fn build(b: &Builder, interface: &str, event: &str) -> Value {
        let from = b.config.counterparty("REGS").unwrap().clone();
        let subject = Subject {
            mpan: "2000056535971".into(),
            segment: Segment::Smart,
        };
        let vars = b.vars(&from, &subject);
        b.payload(&from, interface, event, &subject, vars).unwrap()
    }

    #[test]
    fn a_distributor_participant_is_named_the_distributor_of_every_mpan() {
        let b = builder(true);
        let p = build(&b, "IF-008", "[EnergisationStatusChange]");
        assert_eq!(
            p["CommonBlock"]["M0"],
            json!({"MPANCore": "2000056535971", "distributorDIPID": "2500000009", "GSPGroupID": "_H"})
        );
        // A relationship names the scenario's MPAN as its principal one, in M1 and not M0.
        let p = build(&b, "IF-020", "[RelatedCreate]");
        assert_eq!(
            p["CommonBlock"]["M1"],
            json!({"principalMPAN": "2000056535971", "distributorDIPID": "2500000009", "GSPGroupID": "_H"})
        );
        assert!(p["CommonBlock"].get("M0").is_none());
        assert!(b.schemas.check_payload(&p, "").is_empty(), "{p}");
        // Without one, the harness's own DIP ID of the MPAN's distributor.
        let p = build(&builder(false), "IF-008", "[EnergisationStatusChange]");
        assert_eq!(p["CommonBlock"]["M0"]["distributorDIPID"], "2500000020");
    }
}
