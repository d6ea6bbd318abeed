//! The DIP message model: identifiers and timestamps, StandardResponse, and payloads built
//! from templates.

mod builder;
mod header;
mod ids;
mod response;
mod template;

pub use builder::{Builder, Subject, css_registration_id};
pub use header::{Header, payloads};
pub use ids::{Ids, format_dt003, now_dt003, today_yyyymmdd};
pub use response::{
    ResponseItem, code_text, response_text, standard_response, standard_response_bytes,
};
pub use template::{TemplateError, Templates, Vars, fill};
