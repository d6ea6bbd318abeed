//! The harness's own HTTP/1.1 servers: the stub DIP's ingress (`stub::StubDip`) and the
//! reference participant's webhook and prompt endpoint (`sut::Reference`).
//!
//! # Why not wiremock
//!
//! Both were wiremock mocks. wiremock keeps every request a mounted mock matched
//! (`MountedMock::matched_requests`, for its expectations), whatever
//! `disable_request_recording` says, so every submission and delivery (about 10 KB each) stayed
//! in memory for the life of the server: a sandbox router running tens of thousands of flows,
//! or an `mhhs-qual reference` running for hours, grew without bound. wiremock also answers
//! every request of a server under one lock, and has no TLS. wiremock stays for the tests'
//! fake DIPs and webhooks, where recording is what one wants.
//!
//! # Design
//!
//! A [`Server`] serves plain HTTP/1.1 (hyper 1.x, no HTTP/2) or HTTPS (tokio-rustls, HTTP/1.1
//! only: no ALPN is advertised) on a `std::net::TcpListener` bound by the caller, one tokio
//! task per connection, on the current runtime. A [`Handler`] answers each request
//! synchronously from a [`Request`] (method, path, query, headers, body, peer) with a
//! [`Response`] (status, headers, body, and an optional delay before it is sent); it keeps
//! nothing of a request it does not keep itself.
//!
//! - **Bodies** are read up to the limit the handler chooses for the request
//!   ([`Handler::body_limit`]). A longer body is read to its end (so that the client, still
//!   sending, reads the answer) and counted, not kept: the handler gets [`Body::OverLimit`]
//!   with its length. Past [`DRAIN_LIMIT`] bytes, or when `Content-Length` says so at once,
//!   nothing more is read and the connection is closed after the answer. A body not complete
//!   within [`Options::body_timeout`] is answered `408` and the connection closed.
//! - **Slow and silent clients** hold only their own connection: a request head not complete
//!   within [`Options::header_timeout`] (idle keep-alive connections included) closes it.
//! - **TLS**: a refused handshake (no or untrusted client certificate, not TLS at all, too
//!   slow) goes to [`Tls::on_refused`], with the reasons of
//!   [`crate::security::tls::handshake`].
//! - **Shutdown**: dropping the [`Server`] stops accepting at once; each open connection
//!   finishes the request it is answering and closes (an idle one closes at once); whatever is
//!   still open after [`SHUTDOWN_GRACE`] is aborted.

use std::convert::Infallible;
use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::header::{self, HeaderName};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpStream;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::security::tls::Refusal;

pub use hyper::body::Bytes;
pub use hyper::header::{HeaderMap, HeaderValue};
pub use hyper::{Method, StatusCode};

/// Past this many bytes of an over-limit body, nothing more is read: the connection is
/// closed after the answer.
pub const DRAIN_LIMIT: u64 = 64 * 1024 * 1024;
/// How long open connections may take to finish after the server is dropped.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A request as a [`Handler`] sees it.
#[derive(Debug, Clone)]
pub struct Request {
    pub method: Method,
    /// The path as the client sent it (not decoded).
    pub path: String,
    /// The query, without its `?`.
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Body,
    pub peer: SocketAddr,
}

impl Request {
    /// A header's value as text (`None` when absent or not visible ASCII).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A request's body.
#[derive(Clone, PartialEq, Eq)]
pub enum Body {
    /// Read whole: at most the handler's limit.
    Complete(Bytes),
    /// Over the handler's limit: `length` bytes arrived (or `Content-Length` announced), none
    /// of them kept.
    OverLimit { length: u64 },
}

impl Body {
    /// The bytes read; empty when over the limit.
    pub fn bytes(&self) -> &[u8] {
        match self {
            Self::Complete(b) => b,
            Self::OverLimit { .. } => &[],
        }
    }

    /// The body's length, kept or not.
    pub fn len(&self) -> u64 {
        match self {
            Self::Complete(b) => b.len() as u64,
            Self::OverLimit { length } => *length,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Complete(b) => write!(f, "Complete({} bytes)", b.len()),
            Self::OverLimit { length } => write!(f, "OverLimit({length} bytes)"),
        }
    }
}

/// An answer.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// How long to wait before sending it (the request's connection waits; others do not).
    pub delay: Option<Duration>,
}

impl Response {
    /// `status` with no headers and an empty body. A status outside 100-999 is a `500`.
    pub fn new(status: u16) -> Self {
        Self {
            status: StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            delay: None,
        }
    }

    /// Sets a header (replacing any of that name). A name or value HTTP does not allow is left
    /// out, with a warning.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        if let (Ok(n), Ok(v)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            self.headers.insert(n, v);
        } else {
            tracing::warn!("serve: header {name:?} left out of an answer: not valid HTTP");
        }
        self
    }

    /// Sets the body and its `Content-Type`.
    #[must_use]
    pub fn body(mut self, body: impl Into<Bytes>, content_type: &'static str) -> Self {
        self.body = body.into();
        self.headers
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        self
    }

    /// Sets a JSON body (`Content-Type: application/json`).
    #[must_use]
    pub fn json(self, value: &serde_json::Value) -> Self {
        let bytes = serde_json::to_vec(value).unwrap_or_default();
        self.body(bytes, "application/json")
    }

    /// Waits `delay` before sending the answer.
    #[must_use]
    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }
}

/// What answers a server's requests.
pub trait Handler: Send + Sync + 'static {
    /// The most body bytes kept for a request of `method` to `path`; a longer body arrives
    /// as [`Body::OverLimit`].
    fn body_limit(&self, method: &Method, path: &str) -> usize;

    /// The answer to `request`. Called on a runtime thread: it must not block for long.
    fn handle(&self, request: Request) -> Response;
}

/// TLS on a server's connections.
#[derive(Clone)]
pub struct Tls {
    pub config: Arc<rustls::ServerConfig>,
    pub handshake_timeout: Duration,
    /// Told of every refused handshake.
    pub on_refused: Arc<dyn Fn(Refusal) + Send + Sync>,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tls")
            .field("handshake_timeout", &self.handshake_timeout)
            .finish_non_exhaustive()
    }
}

/// How a server serves.
#[derive(Debug, Clone)]
pub struct Options {
    /// Named in log lines.
    pub name: String,
    pub tls: Option<Tls>,
    /// A request head (the first, or the next on a kept-alive connection) not complete
    /// within this closes the connection.
    pub header_timeout: Duration,
    /// A body not complete within this is answered `408`.
    pub body_timeout: Duration,
}

impl Options {
    /// Plain HTTP, a 30 s header timeout (hyper's own default) and a 60 s body timeout.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            tls: None,
            header_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(60),
        }
    }
}

/// A running server. Dropping it stops it (see the module's documentation).
pub struct Server {
    local_addr: SocketAddr,
    scheme: &'static str,
    shutdown: watch::Sender<bool>,
}

impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("uri", &self.uri())
            .finish_non_exhaustive()
    }
}

impl Server {
    /// Serves `listener` with `handler` on the current tokio runtime (an error outside one);
    /// sets the listener non-blocking.
    pub fn start<H: Handler>(
        listener: std::net::TcpListener,
        handler: Arc<H>,
        options: Options,
    ) -> io::Result<Self> {
        let runtime = tokio::runtime::Handle::try_current()
            .map_err(|e| io::Error::other(format!("a server needs a tokio runtime: {e}")))?;
        listener.set_nonblocking(true)?;
        let local_addr = listener.local_addr()?;
        let listener = {
            let _guard = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let scheme = if options.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let (shutdown, stopped) = watch::channel(false);
        runtime.spawn(accept_loop(listener, handler, Arc::new(options), stopped));
        Ok(Self {
            local_addr,
            scheme,
            shutdown,
        })
    }

    /// The address the server listens on.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// `http://ADDRESS` or `https://ADDRESS`.
    pub fn uri(&self) -> String {
        format!("{}://{}", self.scheme, self.local_addr)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.shutdown.send(true);
    }
}

async fn accept_loop<H: Handler>(
    listener: tokio::net::TcpListener,
    handler: Arc<H>,
    options: Arc<Options>,
    mut stopped: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            biased;
            // A change, or the server dropped with its sender.
            _ = stopped.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    connections.spawn(connection(
                        stream,
                        peer,
                        handler.clone(),
                        options.clone(),
                        stopped.clone(),
                    ));
                }
                Err(e) => {
                    // E.g. too many open files: back off briefly rather than spin.
                    tracing::warn!("{}: accept failed: {e}", options.name);
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(done) = connections.join_next(), if !connections.is_empty() => {
                if done.is_err_and(|e| e.is_panic()) {
                    tracing::warn!("{}: a connection task panicked", options.name);
                }
            }
        }
    }
    drop(listener);
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::debug!(
            "{}: {} connections aborted at shutdown",
            options.name,
            connections.len()
        );
    }
}

async fn connection<H: Handler>(
    stream: TcpStream,
    peer: SocketAddr,
    handler: Arc<H>,
    options: Arc<Options>,
    stopped: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    match &options.tls {
        None => {
            serve_http(
                TokioIo::new(stream),
                peer,
                handler,
                options.clone(),
                stopped,
            )
            .await;
        }
        Some(tls) => {
            let acceptor = tokio_rustls::TlsAcceptor::from(tls.config.clone());
            match crate::security::tls::handshake(&acceptor, stream, peer, tls.handshake_timeout)
                .await
            {
                Ok(stream) => {
                    serve_http(
                        TokioIo::new(stream),
                        peer,
                        handler,
                        options.clone(),
                        stopped,
                    )
                    .await;
                }
                Err(refusal) => {
                    tracing::info!(target: "tls", "{}: {refusal}", options.name);
                    (tls.on_refused)(refusal);
                }
            }
        }
    }
}

async fn serve_http<I, H>(
    io: I,
    peer: SocketAddr,
    handler: Arc<H>,
    options: Arc<Options>,
    mut stopped: watch::Receiver<bool>,
) where
    I: hyper::rt::Read + hyper::rt::Write + Unpin + Send + 'static,
    H: Handler,
{
    let service = {
        let options = options.clone();
        service_fn(move |request| {
            let (handler, options) = (handler.clone(), options.clone());
            async move { Ok::<_, Infallible>(answer(&*handler, &options, request, peer).await) }
        })
    };
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(options.header_timeout);
    let conn = builder.serve_connection(io, service);
    tokio::pin!(conn);
    let mut stopping = *stopped.borrow();
    if stopping {
        conn.as_mut().graceful_shutdown();
    }
    loop {
        tokio::select! {
            done = conn.as_mut() => {
                if let Err(e) = done {
                    tracing::debug!("{}: connection from {peer}: {e}", options.name);
                }
                return;
            }
            // The server was dropped (a change, or its sender gone): finish and close.
            _ = stopped.changed(), if !stopping => {
                stopping = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// Reads the body (within the handler's limit and the body timeout), asks the handler, waits
/// its delay.
async fn answer<H: Handler>(
    handler: &H,
    options: &Options,
    request: hyper::Request<Incoming>,
    peer: SocketAddr,
) -> hyper::Response<Full<Bytes>> {
    let (parts, incoming) = request.into_parts();
    let limit = handler.body_limit(&parts.method, parts.uri.path());
    let announced = parts
        .headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    let read = tokio::time::timeout(options.body_timeout, read_body(incoming, limit, announced));
    let (body, whole) = match read.await {
        Ok(Ok(read)) => read,
        Ok(Err(e)) => {
            tracing::debug!("{}: body from {peer} unreadable: {e}", options.name);
            return closing(Response::new(400));
        }
        Err(_) => {
            tracing::debug!(
                "{}: body from {peer} not complete within {}",
                options.name,
                humantime::format_duration(options.body_timeout)
            );
            return closing(Response::new(408));
        }
    };
    let response = handler.handle(Request {
        method: parts.method,
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        headers: parts.headers,
        body,
        peer,
    });
    if let Some(delay) = response.delay {
        tokio::time::sleep(delay).await;
    }
    if whole {
        into_hyper(response)
    } else {
        closing(response)
    }
}

/// The body, and whether it was read to its end.
async fn read_body(
    mut incoming: Incoming,
    limit: usize,
    announced: Option<u64>,
) -> Result<(Body, bool), hyper::Error> {
    let limit = limit as u64;
    if let Some(length) = announced.filter(|&l| l > DRAIN_LIMIT) {
        return Ok((Body::OverLimit { length }, false));
    }
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut seen: u64 = 0;
    while let Some(frame) = incoming.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue; // trailers
        };
        seen += data.len() as u64;
        if seen <= limit {
            chunks.push(data);
        } else {
            chunks.clear();
            if seen > DRAIN_LIMIT {
                return Ok((Body::OverLimit { length: seen }, false));
            }
        }
    }
    if seen > limit {
        return Ok((Body::OverLimit { length: seen }, true));
    }
    let bytes = match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.pop().unwrap_or_default(),
        _ => {
            let mut all = Vec::with_capacity(usize::try_from(seen).unwrap_or(0));
            for c in &chunks {
                all.extend_from_slice(c);
            }
            Bytes::from(all)
        }
    };
    Ok((Body::Complete(bytes), true))
}

fn into_hyper(response: Response) -> hyper::Response<Full<Bytes>> {
    let mut out = hyper::Response::new(Full::new(response.body));
    *out.status_mut() = response.status;
    *out.headers_mut() = response.headers;
    out
}

/// The answer, the connection closed after it.
fn closing(response: Response) -> hyper::Response<Full<Bytes>> {
    let mut out = into_hyper(response);
    out.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;
    use std::time::Instant;
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

    /// Echoes what it was asked, the body's length, and keeps the last request.
    struct Echo {
        limit: usize,
        last: Mutex<Option<Request>>,
    }

    impl Handler for Echo {
        fn body_limit(&self, _: &Method, _: &str) -> usize {
            self.limit
        }

        fn handle(&self, request: Request) -> Response {
            let text = format!(
                "{} {} {:?} {:?} {}",
                request.method,
                request.path,
                request.query,
                request.header("x-thing"),
                match &request.body {
                    Body::Complete(b) => format!("complete {}", b.len()),
                    Body::OverLimit { length } => format!("over {length}"),
                }
            );
            let status = if request.path == "/slow" { 202 } else { 200 };
            let mut r = Response::new(status)
                .header("x-answer", "yes")
                .body(text, "text/plain");
            if request.path == "/slow" {
                r = r.delayed(Duration::from_millis(300));
            }
            *self.last.lock().unwrap() = Some(request);
            r
        }
    }

    fn start(limit: usize, options: Options) -> (Server, Arc<Echo>) {
        let echo = Arc::new(Echo {
            limit,
            last: Mutex::new(None),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        (
            Server::start(listener, echo.clone(), options).unwrap(),
            echo,
        )
    }

    /// Sends `raw` on a fresh connection and reads until the server closes it (at most 5 s).
    async fn exchange(addr: SocketAddr, raw: &[u8]) -> String {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(raw).await.unwrap();
        let mut out = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(5), s.read_to_end(&mut out)).await;
        String::from_utf8_lossy(&out).into_owned()
    }

    #[tokio::test]
    async fn a_request_reaches_the_handler_whole_and_its_answer_the_client() {
        let (server, echo) = start(1000, Options::new("test"));
        let r = reqwest::Client::new()
            .post(format!("{}/a/b?x=1&y=2", server.uri()))
            .header("x-thing", "thing")
            .body(vec![b'z'; 999])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["x-answer"], "yes");
        assert_eq!(r.headers()["content-type"], "text/plain");
        assert_eq!(
            r.text().await.unwrap(),
            "POST /a/b Some(\"x=1&y=2\") Some(\"thing\") complete 999"
        );
        let last = echo.last.lock().unwrap().clone().unwrap();
        assert_eq!(last.body.bytes(), vec![b'z'; 999].as_slice());
        assert!(last.peer.ip().is_loopback());
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_counted_not_kept_and_the_connection_stays_usable() {
        let (server, echo) = start(100, Options::new("test"));
        let client = reqwest::Client::new();
        let r = client
            .post(server.uri())
            .body(vec![b'z'; 100_000])
            .send()
            .await
            .unwrap();
        assert_eq!(r.text().await.unwrap(), "POST / None None over 100000");
        assert_eq!(
            echo.last.lock().unwrap().as_ref().unwrap().body,
            Body::OverLimit { length: 100_000 }
        );
        let r = client.post(server.uri()).body("ok").send().await.unwrap();
        assert_eq!(r.text().await.unwrap(), "POST / None None complete 2");
        // Chunked (no Content-Length), read to its end as well: the connection stays open for
        // the next request.
        let mut raw = b"POST / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n".to_vec();
        for _ in 0..10 {
            raw.extend_from_slice(b"32\r\n");
            raw.extend_from_slice(&[b'y'; 50]);
            raw.extend_from_slice(b"\r\n");
        }
        raw.extend_from_slice(b"0\r\n\r\nPOST /next HTTP/1.1\r\nhost: x\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok");
        let out = exchange(server.local_addr(), &raw).await;
        assert!(out.contains("POST / None None over 500"), "{out}");
        assert!(out.contains("POST /next None None complete 2"), "{out}");
    }

    #[tokio::test]
    async fn a_body_announced_past_the_drain_limit_is_not_read_and_the_connection_closes() {
        let (server, _) = start(100, Options::new("test"));
        let raw = format!(
            "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: {}\r\n\r\nabc",
            DRAIN_LIMIT + 1
        );
        let out = exchange(server.local_addr(), raw.as_bytes()).await;
        assert!(out.starts_with("HTTP/1.1 200"), "{out}");
        assert!(out.contains("connection: close"), "{out}");
        assert!(out.ends_with(&format!("over {}", DRAIN_LIMIT + 1)), "{out}");
    }

    #[tokio::test]
    async fn a_body_that_stops_coming_is_answered_408() {
        let mut options = Options::new("test");
        options.body_timeout = Duration::from_millis(200);
        let (server, echo) = start(100, options);
        let started = Instant::now();
        let out = exchange(
            server.local_addr(),
            b"POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 10\r\n\r\nabc",
        )
        .await;
        assert!(out.starts_with("HTTP/1.1 408"), "{out}");
        assert!(started.elapsed() < Duration::from_secs(3));
        assert!(echo.last.lock().unwrap().is_none(), "the handler was asked");
    }

    #[tokio::test]
    async fn a_silent_client_holds_only_its_own_connection_and_is_closed_in_time() {
        let mut options = Options::new("test");
        options.header_timeout = Duration::from_millis(300);
        let (server, _) = start(100, options);
        let started = Instant::now();
        let mut silent = TcpStream::connect(server.local_addr()).await.unwrap();
        // Others are served meanwhile.
        let r = reqwest::get(format!("{}/x", server.uri())).await.unwrap();
        assert_eq!(r.status(), 200);
        // The silent one is closed by the server, within the header timeout and a margin.
        let mut buf = [0u8; 16];
        let n = tokio::time::timeout(Duration::from_secs(5), silent.read(&mut buf))
            .await
            .expect("the server closes a silent connection");
        assert!(matches!(n, Ok(0) | Err(_)), "{n:?}");
        assert!(started.elapsed() >= Duration::from_millis(300));
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[tokio::test]
    async fn a_delayed_answer_holds_only_its_own_request() {
        let (server, _) = start(100, Options::new("test"));
        let client = reqwest::Client::new();
        let slow = tokio::spawn(client.post(format!("{}/slow", server.uri())).send());
        tokio::time::sleep(Duration::from_millis(50)).await;
        let started = Instant::now();
        let r = client.post(server.uri()).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(started.elapsed() < Duration::from_millis(250));
        let slow = slow.await.unwrap().unwrap();
        assert_eq!(slow.status(), 202);
    }

    #[tokio::test]
    async fn dropping_the_server_stops_it_even_with_a_silent_client_connected() {
        let (server, _) = start(100, Options::new("test"));
        let addr = server.local_addr();
        let mut silent = TcpStream::connect(addr).await.unwrap();
        let started = Instant::now();
        drop(server);
        // The silent connection is closed at once (it has no request in flight)...
        let mut buf = [0u8; 16];
        let n = tokio::time::timeout(Duration::from_secs(3), silent.read(&mut buf))
            .await
            .expect("the silent connection is closed");
        assert!(matches!(n, Ok(0) | Err(_)), "{n:?}");
        // ... and the port stops accepting.
        let deadline = Instant::now() + Duration::from_secs(3);
        while TcpStream::connect(addr).await.is_ok() {
            assert!(Instant::now() < deadline, "still accepting after drop");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[tokio::test]
    async fn dropping_the_server_lets_a_request_in_flight_finish() {
        let (server, _) = start(100, Options::new("test"));
        let url = format!("{}/slow", server.uri());
        let slow = tokio::spawn(async move { reqwest::Client::new().post(url).send().await });
        tokio::time::sleep(Duration::from_millis(100)).await;
        drop(server);
        let r = slow.await.unwrap().unwrap();
        assert_eq!(r.status(), 202);
        assert!(r.text().await.unwrap().starts_with("POST /slow"));
    }

    #[test]
    fn starting_outside_a_runtime_is_an_error_not_a_panic() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let echo = Arc::new(Echo {
            limit: 1,
            last: Mutex::new(None),
        });
        let err = Server::start(listener, echo, Options::new("test")).unwrap_err();
        assert!(err.to_string().contains("tokio runtime"), "{err}");
    }

    #[test]
    fn a_bad_header_is_left_out_and_an_odd_status_is_a_500() {
        let r = Response::new(5).header("x-ok", "1").header("bad name", "v");
        assert_eq!(r.status, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(r.headers.len(), 1);
        let r = Response::new(201).header("x", "line\nbreak");
        assert!(r.headers.is_empty());
    }
}
