//! `mhhs-qual certs --out DIR`: the certificates and keys of a test set-up.
#![expect(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "the command line is where output is printed"
)]

use std::path::{Path, PathBuf};

use clap::Args;

use crate::exit;
use crate::security::signature::generate_material;

#[derive(Debug, Args)]
pub struct CertsArgs {
    /// The folder to write to (created if missing).
    #[arg(long)]
    out: PathBuf,
    /// Overwrite files that exist.
    #[arg(long)]
    force: bool,
}

/// One file to write: name, text, whether it is a private key, what it is for.
struct File {
    name: &'static str,
    text: String,
    secret: bool,
    purpose: &'static str,
}

pub fn certs(args: &CertsArgs) -> u8 {
    match write(args) {
        Ok(files) => {
            println!("wrote to {}:", args.out.display());
            for f in &files {
                println!("  {:26} {}", f.name, f.purpose);
            }
            println!(
                "\nconfiguration keys (also in {}):\n",
                args.out.join("harness.toml").display()
            );
            print!("{}", fragment(&args.out));
            exit::PASSED
        }
        Err(e) => {
            eprintln!("error: {e}");
            exit::MISCONFIGURED
        }
    }
}

fn write(args: &CertsArgs) -> Result<Vec<File>, String> {
    let dip = generate_material("mhhs-qual DIP").map_err(|e| e.to_string())?;
    let sut = generate_material("system under test").map_err(|e| e.to_string())?;
    let ca = crate::security::tls::Authority::generate("mhhs-qual test CA")
        .map_err(|e| e.to_string())?;
    let dip_tls = ca
        .issue("mhhs-qual stub DIP", None)
        .map_err(|e| e.to_string())?;
    let sut_tls = ca
        .issue("system under test", None)
        .map_err(|e| e.to_string())?;
    let files = vec![
        File {
            name: "dip-signing.pem",
            text: dip.cert_pem,
            secret: false,
            purpose: "the DIP signing certificate the system must trust",
        },
        File {
            name: "dip-signing.key",
            text: dip.key_pem,
            secret: true,
            purpose: "its key (the harness signs deliveries with it)",
        },
        File {
            name: "participant-signing.pem",
            text: sut.cert_pem,
            secret: false,
            purpose: "a signing certificate for the system (participant.certificate)",
        },
        File {
            name: "participant-signing.key",
            text: sut.key_pem,
            secret: true,
            purpose: "its key (for the system only; the harness never reads it)",
        },
        File {
            name: "ca.pem",
            text: ca.cert_pem().to_owned(),
            secret: false,
            purpose: "a test CA both sides' TLS certificates chain to",
        },
        File {
            name: "ca.key",
            text: ca.key_pem().to_owned(),
            secret: true,
            purpose: "its key (to issue more certificates; keep it apart)",
        },
        File {
            name: "dip-tls.pem",
            text: dip_tls.cert_pem,
            secret: false,
            purpose: "the stub DIP's TLS certificate (server on ingress, client on egress)",
        },
        File {
            name: "dip-tls.key",
            text: dip_tls.key_pem,
            secret: true,
            purpose: "its key",
        },
        File {
            name: "participant-tls.pem",
            text: sut_tls.cert_pem,
            secret: false,
            purpose: "a TLS certificate for the system (client to the DIP, server on its webhook)",
        },
        File {
            name: "participant-tls.key",
            text: sut_tls.key_pem,
            secret: true,
            purpose: "its key",
        },
        File {
            name: "harness.toml",
            text: fragment(&args.out),
            secret: false,
            purpose: "the configuration keys that use these files",
        },
    ];
    std::fs::create_dir_all(&args.out)
        .map_err(|e| format!("cannot create {}: {e}", args.out.display()))?;
    if !args.force {
        let existing: Vec<&str> = files
            .iter()
            .filter(|f| args.out.join(f.name).exists())
            .map(|f| f.name)
            .collect();
        if !existing.is_empty() {
            return Err(format!(
                "{} already holds {}; nothing written (--force overwrites)",
                args.out.display(),
                existing.join(", ")
            ));
        }
    }
    for f in &files {
        write_file(&args.out.join(f.name), &f.text, f.secret)?;
    }
    Ok(files)
}

fn write_file(path: &Path, text: &str, secret: bool) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        if secret {
            options.mode(0o600);
        }
        let file = options.open(path).map_err(fail)?;
        if secret {
            // `mode` applies to new files only: an overwritten key is narrowed too.
            file.set_permissions(std::fs::Permissions::from_mode(0o600))
                .map_err(fail)?;
        }
        std::io::Write::write_all(&mut &file, text.as_bytes()).map_err(fail)
    }
    #[cfg(not(unix))]
    {
        let _ = secret;
        let file = options.open(path).map_err(fail)?;
        std::io::Write::write_all(&mut &file, text.as_bytes()).map_err(fail)
    }
}

/// The configuration keys naming the files in `dir`.
fn fragment(dir: &Path) -> String {
    let p = |name: &str| dir.join(name).display().to_string();
    format!(
        r#"[dip]
signing_certificate = "{}"
signing_key = "{}"
tls_certificate = "{}"       # serve https:// on dip.listen
tls_key = "{}"
client_ca = "{}"             # and require client certificates (mutual TLS)

[participant]
certificate = "{}"           # the system's signing certificate
webhook_ca = "{}"            # trust for an https:// webhook_url
"#,
        p("dip-signing.pem"),
        p("dip-signing.key"),
        p("dip-tls.pem"),
        p("dip-tls.key"),
        p("ca.pem"),
        p("participant-signing.pem"),
        p("ca.pem"),
    )
}
