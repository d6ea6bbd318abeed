//! Signatures: placeholder, being written.
