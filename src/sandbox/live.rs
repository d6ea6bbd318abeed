//! The sandbox's live endpoint: the journal as it grows, the held messages, re-delivery, and
//! messages injected as a stubbed party.

use std::fmt::Write as _;
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::serve::Method;
use serde_json::{Value, json};

use crate::serve::{Handler, Options, Request, Response, Server};
use crate::session::Harness;
use crate::store::Store;

/// The most entries one `GET /journal` returns.
const PAGE: usize = 1000;
/// The largest message `POST /inject` takes.
const INJECT_LIMIT: usize = 10 * 1024 * 1024;

/// What the endpoint serves from.
#[derive(Clone)]
pub(super) struct Shared {
    pub harness: Arc<Harness>,
    pub store: Arc<dyn Store>,
    pub broken: Arc<Mutex<Option<String>>>,
}

struct Live(Shared);

pub(super) fn start(listener: TcpListener, shared: Shared) -> std::io::Result<Server> {
    Server::start(
        listener,
        Arc::new(Live(shared)),
        Options::new("sandbox live endpoint"),
    )
}

/// The value of `name` in a query string.
fn param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn text(status: u16, body: impl Into<String>) -> Response {
    Response::new(status).body(body.into().into_bytes(), "text/plain; charset=utf-8")
}

impl Handler for Live {
    fn body_limit(&self, _method: &Method, path: &str) -> usize {
        if path == "/inject" { INJECT_LIMIT } else { 0 }
    }

    fn handle(&self, request: Request) -> Response {
        let s = &self.0;
        let query = request.query.as_deref();
        match (request.method.as_str(), request.path.as_str()) {
            ("GET", "/") => Response::new(200).body(PAGE_HTML, "text/html; charset=utf-8"),
            ("GET", "/journal") => {
                let since = match param(query, "since").map(str::parse::<u64>) {
                    None => 0,
                    Some(Ok(n)) => n,
                    Some(Err(_)) => return text(400, "since: a journal sequence number (0 for the start)"),
                };
                let limit = match param(query, "limit").map(str::parse::<usize>) {
                    None => PAGE,
                    Some(Ok(n)) => n.clamp(1, PAGE),
                    Some(Err(_)) => return text(400, "limit: a number of entries"),
                };
                match s.store.since(since, limit) {
                    Ok(entries) => {
                        let mut out = Vec::new();
                        for e in entries {
                            if serde_json::to_writer(&mut out, &e).is_ok() {
                                out.push(b'\n');
                            }
                        }
                        Response::new(200).body(out, "application/x-ndjson")
                    }
                    Err(e) => text(503, format!("the journal cannot be read: {e}")),
                }
            }
            ("GET", "/status") => {
                let broken = s.broken.lock().expect("sandbox lock").clone();
                let held = s.store.held(None).map(|h| h.len()).unwrap_or_default();
                let last = s.store.last_seq().unwrap_or_default();
                Response::new(200).json(&json!({
                    "accepting": broken.is_none(),
                    "problem": broken,
                    "last_seq": last,
                    "held": held,
                    "dip": s.harness.stub.uri(),
                    "systems": s.harness.parties.systems().map(|p| json!({
                        "role": p.role, "dip_id": p.dip_id,
                        "webhook_url": p.system().map(|x| x.webhook_url.clone()),
                    })).collect::<Vec<_>>(),
                }))
            }
            ("GET", "/held") => match s.store.held(param(query, "to")) {
                Ok(held) => Response::new(200).json(&json!(held
                    .iter()
                    .map(|h| json!({"id": h.id, "to": h.to, "from": h.from, "reason": h.reason, "held_at": h.held_at, "seq": h.seq}))
                    .collect::<Vec<_>>())),
                Err(e) => text(503, format!("the held messages cannot be read: {e}")),
            },
            ("POST", "/redeliver") => {
                let to = param(query, "to").map(str::to_owned);
                let count = match s.store.held(to.as_deref()) {
                    Ok(h) => h.len(),
                    Err(e) => return text(503, format!("the held messages cannot be read: {e}")),
                };
                let (harness, store) = (s.harness.clone(), s.store.clone());
                tokio::spawn(async move {
                    match super::redeliver(&harness, &*store, to.as_deref()).await {
                        Ok((taken, again)) => tracing::info!("re-delivery: {taken} taken, {again} held again"),
                        Err(e) => tracing::error!("re-delivery: {e}"),
                    }
                });
                Response::new(202).json(&json!({"redelivering": count}))
            }
            ("POST", "/inject") => inject(s, query, request.body.bytes()),
            (_, "/" | "/journal" | "/status" | "/held" | "/redeliver" | "/inject") => text(405, "method not allowed"),
            _ => text(404, "not found: /, /journal?since=SEQ, /status, /held, POST /redeliver[?to=DIP_ID], POST /inject?as=ROLE"),
        }
    }
}

/// Routes a message as the stubbed party of role `as`.
fn inject(s: &Shared, query: Option<&str>, body: &[u8]) -> Response {
    if s.broken.lock().expect("sandbox lock").is_some() {
        return text(
            503,
            "the sandbox accepts nothing: its journal cannot be written",
        );
    }
    let Some(role) = param(query, "as") else {
        return text(
            400,
            "as: the role of the stubbed party to send as (REGS, MDR, MDS ...)",
        );
    };
    let Some(party) = s
        .harness
        .config
        .counterparty(role)
        .and_then(|c| s.harness.parties.get(&c.dip_id))
        .cloned()
    else {
        return text(
            400,
            format!("no stubbed party of role {role} in this sandbox"),
        );
    };
    let body: Value = match serde_json::from_slice(body) {
        Ok(v) => v,
        Err(e) => return text(400, format!("not JSON: {e}")),
    };
    let messages = match super::messages_of(&body) {
        Ok(m) => m,
        Err(e) => return text(400, e),
    };
    let mut refs = Vec::new();
    for m in messages {
        let h = crate::dip::Header::of(&m);
        let mut e = crate::journal::Entry::new(crate::journal::Direction::Note, "");
        e.from = Some(party.label());
        e.interface.clone_from(&h.interface);
        e.event.clone_from(&h.event);
        e.mpan.clone_from(&h.mpan);
        e.outcome = format!("injected by hand as {}", party.label());
        let entry = s.harness.journal.record(e);
        if party.role == "REGS" {
            s.harness.router.learn(&m);
        }
        s.harness.router.inject(party.clone(), m);
        refs.push(entry.seq);
    }
    let mut out = String::new();
    let _ = write!(out, "{}", json!({"injected": refs}));
    Response::new(202).body(out.into_bytes(), "application/json")
}

/// The page that follows the journal: polls `/journal?since=` and adds a line per entry.
const PAGE_HTML: &str = r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mhhs-qual sandbox: live journal</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:1rem}
table{border-collapse:collapse;width:100%}td,th{padding:2px 6px;border-bottom:1px solid #ddd;text-align:left;font-family:ui-monospace,monospace;font-size:12px}
tr.bad td{background:#fde8e8}tr.note td{color:#666}
#state{margin:.5rem 0}
</style></head><body>
<h1>Sandbox journal</h1>
<div id="state">connecting…</div>
<table><thead><tr><th>#</th><th>from</th><th>to</th><th>interface</th><th>event</th><th>MPAN</th><th>status</th><th>outcome</th></tr></thead>
<tbody id="rows"></tbody></table>
<script>
let since = 0;
const rows = document.getElementById('rows'), state = document.getElementById('state');
function cell(tr, text){ const td = document.createElement('td'); td.textContent = text ?? ''; tr.appendChild(td); }
async function poll(){
  try {
    const r = await fetch('journal?since=' + since);
    if (!r.ok) throw new Error(r.status + ' ' + await r.text());
    const lines = (await r.text()).split('\n').filter(l => l);
    for (const l of lines){
      const e = JSON.parse(l); since = Math.max(since, e.seq);
      const tr = document.createElement('tr');
      const bad = (e.verdicts || []).some(v => !v.ok) || (e.status && e.status >= 400);
      tr.className = e.direction === 'note' ? 'note' : (bad ? 'bad' : '');
      [e.seq, e.from, (e.to || []).join(', '), e.interface, e.event, e.mpan, e.status, e.outcome].forEach(t => cell(tr, t));
      rows.appendChild(tr);
    }
    state.textContent = 'following: ' + since + ' entries';
  } catch (err) { state.textContent = 'cannot read the journal: ' + err.message; }
  setTimeout(poll, 1000);
}
poll();
</script></body></html>
"#;
