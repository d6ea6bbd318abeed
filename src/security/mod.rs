//! Message security as the DIP does it (CONTRACT.md §4): signatures on every message in both
//! directions, mutual TLS on both legs, and the certificates a test set-up needs.

pub mod impostor;
pub mod signature;
pub mod tls;
