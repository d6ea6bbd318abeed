//! TLS: placeholder, being written.
