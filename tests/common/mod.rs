//! Helpers shared by the integration tests.
#![allow(dead_code, reason = "each test file uses a different subset")]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The shared folder beside the repository (`MHHS_QUAL_SHARED`, default `../shared`).
pub fn shared() -> PathBuf {
    std::env::var_os("MHHS_QUAL_SHARED").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
        PathBuf::from,
    )
}

/// Asserts that a JUnit file validates against the Jenkins JUnit schema, read by libxml2's
/// `xmllint` as a third-party consumer.
pub fn assert_valid_junit(path: &Path) {
    let xsd = shared().join("junit/jenkins-junit.xsd");
    let out = Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(&xsd)
        .arg(path)
        .output()
        .expect("xmllint (Debian libxml2-utils) is installed");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A configuration for an external SUT with short timeouts.
pub fn config(dip_port: u16, webhook: &str, ack: &str) -> String {
    format!(
        r#"environment = "UIT"
[dip]
listen = "127.0.0.1:{dip_port}"
api_key = "test-key-0123456789"
max_body_bytes = 65536
[participant]
role = "SUP"
dip_id = "2300000001"
mpid = "SUPA"
webhook_url = "{webhook}"
[timeouts]
ack = "{ack}"
response = "3s"
retry = "3s"
quiet = "400ms"
[[counterparty]]
role = "REGS"
dip_id = "2200000001"
mpid = "REGA"
[[counterparty]]
role = "MSS"
dip_id = "1200000001"
mpid = "MSSA"
[[counterparty]]
role = "SDS"
dip_id = "1400000001"
mpid = "SDSA"
[[counterparty]]
role = "MSA"
dip_id = "1300000001"
mpid = "MSAA"
[[counterparty]]
role = "ADS"
dip_id = "1100000001"
mpid = "ADSA"
[[counterparty]]
role = "UMSO"
dip_id = "1500000001"
mpid = "UMSA"
[[counterparty]]
role = "UMSDS"
dip_id = "1600000001"
mpid = "UMDA"
"#
    )
}

/// Runs the command with arguments in `dir`.
pub fn mhhs_qual(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mhhs-qual"))
        .args(args)
        .current_dir(dir)
        .env_remove("MHHS_QUAL_DIP_API_KEY")
        .output()
        .expect("the binary runs")
}

pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}
