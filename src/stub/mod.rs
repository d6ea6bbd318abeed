//! The stub DIP: ingress with the DIP's level-1 checks ([`StubDip`]), the [`Router`] that
//! sends each accepted message on to its recipients, egress to a system's webhook with
//! retries ([`Egress`]), scripted DIP faults ([`Fault`]), the rate limit and outage window on
//! a participant's own traffic ([`Gate`]), and the stubbed parties reacting as
//! `stubs/counterparties.toml` declares ([`Reactions`]).

mod egress;
mod ingress;
mod limits;
mod reactions;
mod router;
mod routing;

pub use egress::{Delivery, DeliveryBody, Egress, HoldFn, Signing, Untaken};
pub use ingress::{Accepted, Fault, IngressSecurity, StubDip};
pub use limits::{Admission, Gate, MAX_TRAFFIC_SPAN, Traffic};
pub use reactions::{Condition, FollowOn, Reaction, ReactionError, Reactions, Reply, Trigger};
pub use router::{Router, RouterHandle};
pub use routing::{Route, Routing};
