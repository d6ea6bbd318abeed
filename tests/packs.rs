//! Packs describe themselves: `mhhs-qual packs` lists them from their `pack.toml`, a pack
//! folder of one's own runs with `--pack PATH`, and a broken `pack.toml`, a `@catches:` or
//! `@warns:` tag naming a fault the role's reference does not have, or a fault both caught and
//! warned about stops the run (exit 2) naming file and line.

mod common;

use std::path::Path;

use common::{mhhs_qual, text};

const FEATURE: &str = "@S1
Feature: Mine
  @QT-MINE-001 @catches:slow-ack:3 @catches:wrong-echo
  Scenario: A gain notification is acknowledged
    Given a smart MPAN
    When the Registration Service delivers PUB-002 [GainMPANInfo] for the MPAN
    Then the system answers 201 with RCP0000
    And the answer echoes the delivered message
";

const MANIFEST: &str = r#"name = "mine"
title = "One scenario of our own"
role = "SUP"
counterparties = ["REGS"]
"#;

fn pack(dir: &Path, manifest: &str, feature: &str) -> String {
    let folder = dir.join("mine");
    std::fs::create_dir_all(folder.join("acks")).unwrap();
    std::fs::write(folder.join("pack.toml"), manifest).unwrap();
    std::fs::write(folder.join("acks/ack.feature"), feature).unwrap();
    folder.display().to_string()
}

#[test]
fn the_shipped_packs_are_listed_from_their_manifests() {
    let dir = tempfile::tempdir().unwrap();
    let o = mhhs_qual(dir.path(), &["packs"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<Vec<&str>> = out
        .lines()
        .filter(|l| !l.starts_with(' '))
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        lines,
        [
            vec![
                "ads",
                "ADS",
                "57",
                "scenarios",
                "features/qualification/ads/"
            ],
            vec![
                "e2e",
                "E2E",
                "4",
                "scenarios",
                "features/e2e/",
                "(alias",
                "sandbox)"
            ],
            vec![
                "ldso",
                "LDSO",
                "68",
                "scenarios",
                "features/qualification/ldso/"
            ],
            vec![
                "migration",
                "SUP",
                "3",
                "scenarios",
                "features/migration/",
                "(alias",
                "nft)"
            ],
            vec![
                "msa",
                "MSA",
                "51",
                "scenarios",
                "features/qualification/msa/"
            ],
            vec![
                "mss",
                "MSS",
                "51",
                "scenarios",
                "features/qualification/mss/"
            ],
            vec![
                "sds",
                "SDS",
                "65",
                "scenarios",
                "features/qualification/sds/"
            ],
            vec![
                "supplier",
                "SUP",
                "37",
                "scenarios",
                "features/qualification/supplier/",
                "(alias",
                "sup)"
            ],
            vec![
                "umsds",
                "UMSDS",
                "51",
                "scenarios",
                "features/qualification/umsds/"
            ],
            vec![
                "umso",
                "UMSO",
                "45",
                "scenarios",
                "features/qualification/umso/"
            ],
        ],
        "{out}"
    );
}

#[test]
fn a_pack_folder_of_ones_own_is_listed_and_runs() {
    let dir = tempfile::tempdir().unwrap();
    let folder = pack(dir.path(), MANIFEST, FEATURE);
    let o = mhhs_qual(dir.path(), &["packs", &folder]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        String::from_utf8_lossy(&o.stdout).starts_with("mine       SUP       1 scenarios"),
        "{}",
        text(&o)
    );
    let o = mhhs_qual(dir.path(), &["run", "--pack", &folder, "--report-dir", "r"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("1 passed, 0 failed"), "{}", text(&o));
    // The same pack with a fault of the reference switched on fails.
    let o = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--pack",
            &folder,
            "--fault",
            "wrong-echo",
            "--report-dir",
            "r2",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("messageArray/0/transactionID"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_manifest_naming_an_unknown_role_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let folder = pack(
        dir.path(),
        &MANIFEST.replace("role = \"SUP\"", "role = \"BOSS\""),
        FEATURE,
    );
    let o = mhhs_qual(dir.path(), &["run", "--pack", &folder]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "error: {folder}/pack.toml:3: `role` \"BOSS\" is not a role a system qualifies in (SUP, MSS, MSA, UMSO, SDS, ADS, UMSDS, LDSO)"
        )),
        "{}",
        text(&o)
    );
    let folder = pack(
        dir.path(),
        &MANIFEST.replace("[\"REGS\"]", "[\"REGS\", \"BANK\"]"),
        FEATURE,
    );
    let o = mhhs_qual(dir.path(), &["run", "--pack", &folder]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("pack.toml:4: `counterparties` names \"BANK\", which is not a DIP role"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_catches_tag_naming_a_fault_the_reference_lacks_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let folder = pack(
        dir.path(),
        MANIFEST,
        &FEATURE.replace("@catches:wrong-echo", "@catches:wrong-echoes"),
    );
    let o = mhhs_qual(dir.path(), &["run", "--pack", &folder]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains(&format!(
            "error: {folder}/acks/ack.feature:4: @catches:wrong-echoes: the SUP reference participant has no fault \"wrong-echoes\" (known: slow-ack, wrong-echo,"
        )),
        "{t}"
    );
}

#[test]
fn a_warns_tag_naming_a_fault_the_reference_lacks_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let folder = pack(
        dir.path(),
        MANIFEST,
        &FEATURE.replace(
            "@catches:wrong-echo",
            "@catches:wrong-echo @warns:no-such-fault",
        ),
    );
    let o = mhhs_qual(dir.path(), &["run", "--pack", &folder]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains(&format!(
            "error: {folder}/acks/ack.feature:4: @warns:no-such-fault: the SUP reference participant has no fault \"no-such-fault\" (known: slow-ack, wrong-echo,"
        )),
        "{t}"
    );
}

#[test]
fn a_fault_both_caught_and_warned_about_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // A @warns tag naming a fault of the reference is accepted ...
    let folder = pack(
        dir.path(),
        MANIFEST,
        &FEATURE.replace("@catches:wrong-echo", "@warns:wrong-echo"),
    );
    let o = mhhs_qual(dir.path(), &["packs", &folder]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    // ... but not beside a @catches tag naming the same fault.
    let folder = pack(
        dir.path(),
        MANIFEST,
        &FEATURE.replace(
            "@catches:wrong-echo",
            "@catches:wrong-echo @warns:wrong-echo",
        ),
    );
    let o = mhhs_qual(dir.path(), &["packs", &folder]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains(&format!(
            "error: {folder}/acks/ack.feature:4: @warns:wrong-echo: the pack also has @catches:wrong-echo ({folder}/acks/ack.feature:4): a fault either fails scenarios or only warns, never both"
        )),
        "{t}"
    );
}

#[test]
fn a_pack_needs_its_counterparties_in_the_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let text_config = common::config(common::free_port(), "http://127.0.0.1:9/webhook", "1s");
    // Keep only the REGS counterparty: the supplier pack needs metering and data services.
    let cut = text_config.find("[[counterparty]]").unwrap();
    let only_regs = format!(
        "{}[[counterparty]]\nrole = \"REGS\"\ndip_id = \"2200000001\"\nmpid = \"REGA\"\n",
        &text_config[..cut]
    );
    let f = dir.path().join("c.toml");
    std::fs::write(&f, only_regs).unwrap();
    let o = mhhs_qual(
        dir.path(),
        &["run", "--config", f.to_str().unwrap(), "--pack", "sup"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("the pack supplier needs a [[counterparty]] of each role MSS, SDS, MSA, ADS, UMSO, UMSDS"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_reaction_addressed_through_a_pointer_the_trigger_lacks_stops_the_run() {
    let dir = tempfile::tempdir().unwrap();
    let stubs = dir.path().join("stubs");
    std::fs::create_dir_all(&stubs).unwrap();
    std::fs::write(
        stubs.join("counterparties.toml"),
        r#"# mine
[[reaction]]
name = "answers the proposed service"
when = { interface = "IF-031", event = "[MSApp]" }
from = "REGS"
to = ["${request:/CustomBlock/B070/proposedMeteringServiceDIPIDs}"]
send = { interface = "IF-032", event = "[MSAppInitialResp]" }
"#,
    )
    .unwrap();
    let o = mhhs_qual(
        dir.path(),
        &[
            "run",
            "--pack",
            "supplier",
            "--stubs",
            stubs.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "error: stubs: {}:2: reaction \"answers the proposed service\": `to` names /CustomBlock/B070/proposedMeteringServiceDIPIDs, which IF-031 [MSApp] does not have",
            stubs.join("counterparties.toml").display()
        )),
        "{}",
        text(&o)
    );
}
