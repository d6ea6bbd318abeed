//! The stub DIP: ingress with the DIP's level-1 checks ([`ingress`]), egress to the SUT's
//! webhook with retries ([`Egress`]), scripted DIP faults ([`Fault`]), and the counterparties
//! reacting as `stubs/counterparties.toml` declares ([`Reactions`]).

mod egress;
mod ingress;
mod reactions;

pub use egress::{Delivery, DeliveryBody, Egress, Signing};
pub use ingress::{Fault, IngressSecurity, StubDip};
pub use reactions::{Reaction, Reactions};
