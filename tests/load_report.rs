//! A load run's three files as their readers take them: `load.json` against its schema (with
//! jsonschema-rs and python-jsonschema, which must agree), `load.junit.xml` through the JUnit
//! readers of `ci/read_junit.py` with every objective a testcase of its exact name, and
//! `load.html` self-contained, escaped and free of non-finite numbers, whatever the run
//! measured (nothing at all, one point, a full run); in headless Chromium when there is one.

#![expect(
    clippy::print_stdout,
    reason = "the tests report where the screenshot is"
)]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use mhhs_qual::report::load::{
    Duplicate, FORMAT, FamilyResult, Latency, LoadReport, Objective, OutageSummary, Pacing,
    ProfileSummary, RateVerdict, Reaction, Second, StageSummary, SystemSummary, TOOL,
};
use serde_json::{Value, json};

/// A percentile curve the way an HDR histogram gives it: `base` ms at the median, rising
/// into a tail, up to 99.99 % and then the maximum.
fn latency(count: u64, base: f64) -> Latency {
    let mut curve = Vec::new();
    for i in 0..=40 {
        let nines = f64::from(i) / 10.0;
        let p = 100.0 * (1.0 - 10f64.powf(-nines));
        curve.push([p, base * (1.0 + nines * nines * 0.6)]);
    }
    let max = base * 14.0;
    curve.push([100.0, max]);
    let at = |n: f64| base * (1.0 + n * n * 0.6);
    Latency {
        count,
        p50_ms: at(std::f64::consts::LOG10_2),
        p90_ms: at(1.0),
        p99_ms: at(2.0),
        p999_ms: at(3.0),
        max_ms: max,
        mean_ms: base * 1.4,
        curve,
    }
}

/// Ten digits of `i` after a fixed prefix: a 13-digit MPAN.
fn mpan(i: u64) -> String {
    format!("200005{i:07}")
}

/// A two-minute run of gains and consumption against a reference supplier: an outage of the
/// stub DIP at 60 s, the system over its rate limit just after it, 130 reactions lost and two
/// accepted twice; two objectives held and two did not, one of them explained with text the
/// system sent.
fn example() -> LoadReport {
    let timeline: Vec<Second> = (0..112u64)
        .map(|s| {
            let scheduled = if s < 30 {
                s * 100 / 30
            } else if s < 100 {
                100
            } else {
                0
            };
            let outage = (60..70).contains(&s);
            Second {
                second: s,
                scheduled,
                sent: scheduled,
                acknowledged: scheduled.saturating_sub(u64::from(s % 17 == 0)),
                errors: u64::from(s % 17 == 0),
                reactions: if outage {
                    0
                } else {
                    (scheduled * 2).saturating_sub(s % 5)
                },
                submissions: if (70..74).contains(&s) {
                    170
                } else {
                    scheduled * 2
                },
                throttled: if (70..74).contains(&s) { 3 } else { 0 },
                unavailable: if outage { 24 } else { 0 },
            }
        })
        .map(|mut row| {
            row.reactions = row.reactions.min(row.submissions);
            row
        })
        .collect();
    LoadReport {
        format: FORMAT,
        tool: TOOL.to_owned(),
        profile: ProfileSummary {
            name: "gain-steady-100".into(),
            path: "profiles/gain-steady.toml".into(),
            family: "gain".into(),
            mpans: 5000,
            mpan_source: "testdata/gain-mpans.csv".into(),
            stages: vec![
                StageSummary {
                    kind: "ramp".into(),
                    duration_ms: 30_000,
                    from_rate: 0.0,
                    to_rate: 100.0,
                },
                StageSummary {
                    kind: "hold".into(),
                    duration_ms: 60_000,
                    from_rate: 100.0,
                    to_rate: 100.0,
                },
                StageSummary {
                    kind: "spike".into(),
                    duration_ms: 10_000,
                    from_rate: 100.0,
                    to_rate: 100.0,
                },
            ],
            duration_ms: 100_000,
            max_messages: 0,
            max_time_ms: 300_000,
        },
        system: SystemSummary {
            role: "SUP".into(),
            dip_id: "2300000001".into(),
            kind: "reference".into(),
            faults: vec!["slow-ack".into()],
        },
        started: "2026-03-02T10:00:00Z".into(),
        elapsed_ms: 112_000,
        complete: true,
        stopped_by: "finished".into(),
        families: vec![
            FamilyResult {
                family: "gain".into(),
                delivery: "PUB-002 [GainMPANInfo]".into(),
                reactions: vec!["IF-031 [MSApp]".into(), "IF-031 [DSApp]".into()],
                sent: 6000,
                acknowledged: 5990,
                rejected: 4,
                errors: 6,
                ack: latency(6000, 18.0),
                reaction: Some(latency(11_870, 240.0)),
                reactions_expected: 12_000,
                reactions_received: 11_870,
            },
            FamilyResult {
                family: "consumption".into(),
                delivery: "PUB-021 [ActivePower]".into(),
                reactions: Vec::new(),
                sent: 2450,
                acknowledged: 2450,
                rejected: 0,
                errors: 0,
                ack: latency(2450, 9.0),
                reaction: None,
                reactions_expected: 0,
                reactions_received: 0,
            },
        ],
        pacing: Pacing {
            scheduled: 8450,
            dispatched: 8450,
            target_rate: 84.5,
            achieved_rate: 84.1,
            error_pct: 1.8,
            lag: latency(8450, 0.4),
        },
        timeline,
        rate_limit: Some(RateVerdict {
            limit: 150,
            tolerance: 0.1,
            peak_per_second: 171,
            peak_at_ms: 70_200,
            throttled: 12,
            ok: false,
        }),
        outage: Some(OutageSummary {
            at_ms: 60_000,
            length_ms: 10_000,
            unavailable: 240,
        }),
        lost: (0..130)
            .map(|i| Reaction {
                mpan: mpan(i),
                reaction: "IF-031 [DSApp]".into(),
            })
            .collect(),
        lost_count: 130,
        duplicates: vec![
            Duplicate {
                mpan: mpan(7),
                reaction: "IF-031 [MSApp]".into(),
                accepted: 2,
            },
            Duplicate {
                mpan: mpan(8),
                reaction: "IF-031 [MSApp]".into(),
                accepted: 3,
            },
        ],
        duplicate_count: 2,
        refused: vec![mhhs_qual::report::load::Refusal {
            status: 400,
            outcome: "rejected MSG1007 - Sender Timestamp Invalid".into(),
            count: 128,
            example: "/0/payload/CommonBlock/S1/senderTimestamp: \"2026-11-29 20:00:00+00:00\" is not a DT-003 date-time".into(),
        }],
        objectives: vec![
            Objective {
                name: "p99 ack < 2s".into(),
                measured: "91.8 ms".into(),
                ok: true,
                detail: String::new(),
            },
            Objective {
                name: "lost = 0".into(),
                measured: "130".into(),
                ok: false,
                detail: format!(
                    "130 expected reactions never arrived: {} IF-031 [DSApp] ...\nlast answer: ]]><b>MSG1001</b>\u{1b}[31m",
                    mpan(0)
                ),
            },
            Objective {
                name: "pacing error < 5%".into(),
                measured: "1.8 %".into(),
                ok: true,
                detail: String::new(),
            },
            Objective {
                name: "rate limit kept".into(),
                measured: "171/s".into(),
                ok: false,
                detail: "171 submissions in the second from 70.2 s, over 150/s + 10 %".into(),
            },
        ],
    }
}

fn schema() -> Value {
    serde_json::from_str(mhhs_qual::embedded::file("schemas/report/load.schema.json").unwrap())
        .unwrap()
}

/// python-jsonschema's verdict on each document: valid or not.
fn python_verdicts(docs: &[Value]) -> Vec<bool> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("docs.json");
    std::fs::write(&path, serde_json::to_vec(docs).unwrap()).unwrap();
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report/load.schema.json");
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, sys\n\
             from jsonschema import Draft202012Validator\n\
             v = Draft202012Validator(json.load(open(sys.argv[1])))\n\
             print(json.dumps([v.is_valid(d) for d in json.load(open(sys.argv[2]))]))",
        ])
        .arg(&schema)
        .arg(&path)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python-jsonschema (bash ci/setup.sh): {}",
        common::text(&out)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// A change that breaks `load.json`.
type Break = fn(&mut Value);

#[test]
fn load_json_is_what_its_schema_says() {
    let dir = tempfile::tempdir().unwrap();
    let report = example();
    report.write(dir.path()).unwrap();
    let written: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("load.json")).unwrap()).unwrap();
    let back: LoadReport = serde_json::from_value(written.clone()).unwrap();
    assert_eq!(back, report, "load.json reads back as written");

    let schema = schema();
    assert!(jsonschema::draft202012::meta::is_valid(&schema));
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&written)
        .map(|e| format!("{} {e}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    // A run that measured nothing and has neither rate limit nor outage is valid too.
    let mut bare = serde_json::to_value(LoadReport {
        format: FORMAT,
        tool: TOOL.to_owned(),
        started: "2026-03-02T10:00:00.123+00:00".into(),
        stopped_by: "interrupted".into(),
        ..LoadReport::default()
    })
    .unwrap();
    bare["system"]["kind"] = json!("external");
    bare["system"]["role"] = json!("SUP");
    bare["system"]["dip_id"] = json!("2300000001");
    let errors: Vec<String> = validator
        .iter_errors(&bare)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");

    // Each broken variant is refused, at the place it breaks.
    let broken: [(&str, &str, Break); 11] = [
        ("a field missing", "", |v| {
            v.as_object_mut().unwrap().remove("lost_count");
        }),
        ("a negative count", "/timeline/3/sent", |v| {
            v["timeline"][3]["sent"] = json!(-1);
        }),
        ("a count that is not whole", "/families/0/sent", |v| {
            v["families"][0]["sent"] = json!(1.5);
        }),
        ("an unknown stopped_by", "/stopped_by", |v| {
            v["stopped_by"] = json!("crashed");
        }),
        ("a field of no layout", "/pacing", |v| {
            v["pacing"]["jitter"] = json!(0);
        }),
        (
            "a curve point of one number",
            "/families/0/ack/curve/2",
            |v| {
                v["families"][0]["ack"]["curve"][2] = json!([50.0]);
            },
        ),
        (
            "a curve point of three numbers",
            "/families/0/ack/curve/2/2",
            |v| {
                v["families"][0]["ack"]["curve"][2] = json!([50.0, 1.0, 2.0]);
            },
        ),
        ("a percentile over 100", "/families/0/ack/curve/2/0", |v| {
            v["families"][0]["ack"]["curve"][2] = json!([101.0, 1.0]);
        }),
        // serde_json writes a NaN or an infinity as null.
        ("a figure that is not finite", "/pacing/lag/p99_ms", |v| {
            v["pacing"]["lag"]["p99_ms"] = Value::Null;
        }),
        (
            "a passed objective with a reason to fail",
            "/objectives/0/detail",
            |v| {
                v["objectives"][0]["detail"] = json!("why");
            },
        ),
        ("a rate limit without its verdict", "/rate_limit", |v| {
            v["rate_limit"].as_object_mut().unwrap().remove("ok");
        }),
    ];
    let mut docs = vec![written.clone(), bare];
    for (what, pointer, f) in broken {
        let mut v = written.clone();
        f(&mut v);
        let at: Vec<String> = validator
            .iter_errors(&v)
            .map(|e| e.instance_path().to_string())
            .collect();
        assert!(
            at.iter().any(|p| p == pointer),
            "{what}: refused at {at:?}, not {pointer:?}"
        );
        docs.push(v);
    }
    let mut expected = vec![true, true];
    expected.extend([false; 11]);
    assert_eq!(python_verdicts(&docs), expected, "python-jsonschema agrees");
}

/// Each `<failure>`'s text as an XML parser reads it.
fn failure_texts(path: &Path) -> Vec<String> {
    let out = Command::new("python3")
        .args([
            "-c",
            "import json, sys, xml.etree.ElementTree as E\n\
             print(json.dumps([f.text or '' for f in E.parse(sys.argv[1]).iter('failure')]))",
        ])
        .arg(path)
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "{}", common::text(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn each_objective_is_a_testcase_of_its_own_name() {
    let dir = tempfile::tempdir().unwrap();
    let report = example();
    report.write(dir.path()).unwrap();
    let path = dir.path().join("load.junit.xml");
    let xml = std::fs::read_to_string(&path).unwrap();
    assert!(
        !xml.contains('\u{1b}') && !xml.contains("<![CDATA["),
        "{xml}"
    );
    assert!(
        xml.contains("<testsuite name=\"load: gain-steady-100\""),
        "{xml}"
    );
    assert!(xml.contains("package=\"gain\""), "{xml}");

    let read = common::assert_valid_junit(&path);
    assert_eq!(
        (read.tests, read.failures, read.errors, read.skipped),
        (5, 2, 0, 0)
    );
    assert_eq!(
        read.names,
        [
            "run complete",
            "p99 ack < 2s",
            "lost = 0",
            "pacing error < 5%",
            "rate limit kept"
        ]
    );
    assert_eq!(
        read.messages,
        ["lost = 0: measured 130", "rate limit kept: measured 171/s"]
    );
    let texts = failure_texts(&path);
    assert_eq!(
        texts,
        [
            format!(
                "130 expected reactions never arrived: {} IF-031 [DSApp] ...\nlast answer: ]]><b>MSG1001</b>\\u001b[31m",
                mpan(0)
            ),
            "171 submissions in the second from 70.2 s, over 150/s + 10 %".to_owned()
        ],
        "the detail reads back whole, ESC shown"
    );
    // The summary: in the first testcase's system-out.
    let first = &xml[xml.find("<testcase name=\"run complete\"").unwrap()..];
    let first = &first[..first.find("</testcase>").unwrap()];
    for line in [
        "sent 8450 of 8450 scheduled, acknowledged 8440, rejected 4, errors 6",
        "lost reactions 130 (first: 2000050000000 IF-031 [DSApp]), duplicate reactions 2",
        "pacing: target 84.5/s, achieved 84.1/s, error 1.80 %, lag p99",
        "rate limit 150/s (tolerance 10.00 %): peak 171 in the second from 70.2 s, throttled 12: exceeded",
        "outage of the stub DIP at 60.0 s for 10.0 s: 240 submissions answered 503",
    ] {
        assert!(first.contains(line), "{line} in {first}");
    }

    // Interrupted: `run complete` is an error, and the objectives are still judged.
    let mut partial = report;
    partial.complete = false;
    partial.stopped_by = "interrupted".into();
    partial.profile.name = "<script>\u{1b}]]>".into();
    partial.write(dir.path()).unwrap();
    let read = common::assert_valid_junit(&path);
    assert_eq!((read.tests, read.failures, read.errors), (5, 2, 1));
    assert_eq!(read.messages[0], "interrupted: the figures are partial");
    let xml = std::fs::read_to_string(&path).unwrap();
    assert!(
        xml.contains("<testsuite name=\"load: &lt;script&gt;\\u001b]]&gt;\""),
        "{xml}"
    );
}

/// The `<svg>` elements of a page.
fn charts(page: &str) -> Vec<&str> {
    page.match_indices("<svg")
        .map(|(at, _)| &page[at..at + page[at..].find("</svg>").unwrap()])
        .collect()
}

/// Every number a chart draws is finite: no attribute or label says NaN or inf.
fn assert_finite(page: &str) {
    assert!(!page.contains("NaN"), "NaN in the page");
    for svg in charts(page) {
        assert!(!svg.contains("inf"), "{svg}");
        for (at, _) in svg.match_indices("=\"") {
            let value = &svg[at + 2..at + 2 + svg[at + 2..].find('"').unwrap()];
            for part in value.split([' ', ',']).filter(|p| !p.is_empty()) {
                if let Ok(v) = part.parse::<f64>() {
                    assert!(v.is_finite() && v.abs() < 1e6, "{value} in {svg}");
                }
            }
        }
    }
}

#[test]
fn the_page_draws_both_charts_whatever_the_run_measured() {
    let dir = tempfile::tempdir().unwrap();
    let mut report = example();
    report.profile.name = "<script>alert(1)</script>\u{1b}[31m".into();
    report.write(dir.path()).unwrap();
    let page = std::fs::read_to_string(dir.path().join("load.html")).unwrap();
    assert_finite(&page);
    assert!(
        !page.contains("<script") && !page.contains('\u{1b}'),
        "escaped"
    );
    assert!(page.contains("Load run: &lt;script&gt;alert(1)&lt;/script&gt;\\u001b[31m"));
    assert!(
        !page.contains("http://") && !page.contains("https://"),
        "nothing to fetch"
    );
    let svgs = charts(&page);
    assert_eq!(svgs.len(), 2);
    // The latency plot: an ack line per family, a reaction line for gains, on the nines axis
    // as far as the curves reach (99.99), with a legend.
    assert_eq!(svgs[0].matches("<polyline").count(), 3, "{}", svgs[0]);
    for label in [
        ">0<",
        ">90<",
        ">99<",
        ">99.9<",
        ">99.99<",
        ">gain ack<",
        ">gain reaction<",
        ">consumption ack<",
        ">latency (ms), logarithmic<",
    ] {
        assert!(svgs[0].contains(label), "{label} in {}", svgs[0]);
    }
    assert!(!svgs[0].contains(">99.999<"));
    // The throughput: five series, the limit dashed, the outage shaded.
    assert_eq!(svgs[1].matches("<polyline").count(), 5, "{}", svgs[1]);
    assert!(svgs[1].contains("class=\"limit\"") && svgs[1].contains(">rate limit 150/s<"));
    assert!(svgs[1].contains("class=\"band\"") && svgs[1].contains(">outage<"));
    // The tables and lists.
    assert!(page.contains("✗ failed: 2 of 4 objectives did not hold"));
    assert!(page.contains("<b class=\"ok\">the run is complete</b>"));
    assert!(page.contains(
        "<td class=\"detail\">130 expected reactions never arrived: 2000050000000 IF-031 [DSApp] ...\nlast answer: ]]&gt;&lt;b&gt;MSG1001&lt;/b&gt;\\u001b[31m</td>"
    ));
    assert_eq!(page.matches("<tr class=\"failed\">").count(), 2);
    assert_eq!(page.matches("<tr class=\"passed\">").count(), 2);
    assert!(
        page.contains("<td colspan=\"5\">no reactions</td>"),
        "consumption"
    );
    assert!(page.contains("Lost reactions (130)"));
    assert_eq!(
        {
            let lost = &page[page.find("id=\"lost\"").unwrap()..];
            lost[..lost.find("</section>").unwrap()]
                .matches("<li>")
                .count()
        },
        100
    );
    assert!(page.contains("and 30 more"));
    assert!(page.contains("2000050000008 IF-031 [MSApp]: accepted 3 times"));
    assert!(page.contains("✗ went over the limit"));
    assert!(page.contains("from 60.0 s for 10.0 s: 240 submissions were answered 503"));

    // Nothing measured: no families, no seconds, no limit, no outage.
    let empty = mhhs_qual::report::load::html::page(&LoadReport::default());
    assert_finite(&empty);
    assert_eq!(charts(&empty).len(), 2);
    assert!(empty.contains("no latency was measured") && empty.contains("no second was recorded"));
    assert!(!empty.contains("<polyline") && !empty.contains("class=\"band\""));

    // One second, one point per curve, every count zero, a zero-length outage at 0 and a
    // limit of 0: still finite, the single points drawn as dots.
    let mut one = example();
    one.timeline.truncate(1);
    one.timeline[0] = Second::default();
    for f in &mut one.families {
        f.ack.curve = vec![[100.0, 0.0]];
        f.reaction = None;
    }
    one.rate_limit.as_mut().unwrap().limit = 0;
    one.outage = Some(OutageSummary::default());
    one.pacing.lag = Latency {
        p99_ms: f64::NAN,
        ..Latency::default()
    };
    let page = mhhs_qual::report::load::html::page(&one);
    assert_finite(&page);
    let svgs = charts(&page);
    assert_eq!(svgs[0].matches("<circle").count(), 2, "{}", svgs[0]);
    assert_eq!(svgs[1].matches("<circle").count(), 5, "{}", svgs[1]);
}

#[test]
fn the_page_in_chromium_shows_the_charts_and_asks_for_nothing() {
    let (script, chromium) = match common::browser("load_html_check.mjs") {
        Ok(found) => found,
        Err(why) if common::in_ci() => panic!("CI needs headless Chromium for load.html: {why}"),
        Err(why) => {
            println!("skipped: load.html in a browser: {why} (ci/setup.sh installs it)");
            return;
        }
    };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("load-report");
    let _ = std::fs::remove_dir_all(&dir);
    example().write(&dir).unwrap();
    let shot = dir.join("load.png");
    let out = Command::new("node")
        .arg(&script)
        .arg(dir.join("load.html"))
        .arg(&shot)
        .env("CHROMIUM", &chromium)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", common::text(&out));
    let seen: Value = serde_json::from_slice(&out.stdout).unwrap();
    println!("screenshot: {}", shot.display());
    assert!(std::fs::metadata(&shot).unwrap().len() > 10_000);

    assert_eq!(seen["errors"], json!([]), "{seen}");
    assert_eq!(
        seen["requests"],
        json!([]),
        "the page asks the network for nothing"
    );
    assert_eq!(seen["title"], "Load run: gain-steady-100");
    let verdict = seen["verdict"].as_str().unwrap();
    assert!(
        verdict.starts_with("✗ failed: 2 of 4 objectives did not hold; the run is complete — profile gain-steady-100 against SUP 2300000001"),
        "{verdict}"
    );
    let charts = seen["charts"].as_array().unwrap();
    assert_eq!(charts.len(), 2, "{seen}");
    for (chart, lines) in charts.iter().zip([3, 5]) {
        assert!(chart["width"].as_u64().unwrap() >= 600, "{chart}");
        assert!(chart["height"].as_u64().unwrap() >= 200, "{chart}");
        assert_eq!(chart["lines"], lines, "{chart}");
    }
    let objectives = seen["objectives"].as_array().unwrap();
    let colours: Vec<(&str, &str)> = objectives
        .iter()
        .map(|o| (o["name"].as_str().unwrap(), o["color"].as_str().unwrap()))
        .collect();
    assert_eq!(
        colours,
        [
            ("p99 ack < 2s", "rgb(23, 99, 23)"),
            ("lost = 0", "rgb(160, 16, 16)"),
            ("pacing error < 5%", "rgb(23, 99, 23)"),
            ("rate limit kept", "rgb(160, 16, 16)"),
        ]
    );
}
