//! The `mhhs-qual` command: everything lives in the library; `main` only maps the outcome to
//! an exit status.

fn main() -> std::process::ExitCode {
    mhhs_qual::cli::main()
}
