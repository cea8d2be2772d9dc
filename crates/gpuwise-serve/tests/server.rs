//! The server as a client meets it: over TCP, with a recorded H100 machine as "this machine".

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpStream};
use std::path::PathBuf;
use std::thread::JoinHandle;
use std::time::Duration;

use gpuwise_core::Variables;
use gpuwise_model::{Dtype, Extras, OpName, Scenario};
use gpuwise_serve::{Limits, ServeError, ServeSettings, Server};
use gpuwise_service::doctor::Machine;
use gpuwise_service::estimate::{EstimateSettings, Part};

fn fixture() -> PathBuf {
    system("h100-sxm.json")
}

fn system(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../fixtures/systems")).join(name)
}

/// A server answering on its own threads until dropped.
struct Running {
    addr: SocketAddr,
    warning: Option<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<Result<(), ServeError>>>,
}

impl Running {
    fn start(host: Option<IpAddr>, limits: Limits) -> Running {
        Running::on(fixture(), host, limits)
    }

    fn on(system: PathBuf, host: Option<IpAddr>, limits: Limits) -> Running {
        Running::with(ServeSettings { host, system: Some(system), limits, ..ServeSettings::default() })
    }

    fn with(settings: ServeSettings) -> Running {
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let server = runtime.block_on(Server::bind(settings, Variables::default())).unwrap();
        let (addr, warning) = (server.addr(), server.exposure_warning());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            runtime.block_on(server.run(async {
                let _ = stopped.await;
            }))
        });
        Running { addr, warning, stop: Some(stop), thread: Some(thread) }
    }

    fn local() -> Running {
        Running::start(None, Limits::default())
    }

    /// Stops it and waits until it has.
    fn stop(&mut self) -> Result<(), ServeError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.thread.take().map_or(Ok(()), |thread| thread.join().unwrap())
    }

    fn get(&self, path: &str) -> Reply {
        self.send(&format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"))
    }

    fn post(&self, path: &str, content_type: &str, body: &str) -> Reply {
        self.send(&format!(
            "POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        ))
    }

    /// Sends `request` as it is and reads the whole reply.
    fn send(&self, request: &str) -> Reply {
        let addr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), self.addr.port());
        let mut stream = TcpStream::connect(addr).unwrap();
        stream.write_all(request.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        Reply::parse(&String::from_utf8_lossy(&raw))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// A reply's status, headers (lower-cased names) and body.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Reply {
    fn parse(raw: &str) -> Reply {
        let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((raw, ""));
        let mut lines = head.lines();
        let status = lines.next().and_then(|line| line.split(' ').nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
        let headers = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_string()))
            .collect();
        Reply { status, headers, body: body.to_string() }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|err| panic!("{err}: {}", self.body))
    }
}

/// What `gpuwise estimate --json` prints for a 1024-cube matmul on the H100 against the fixture's CPU.
fn cli_json() -> String {
    let settings = EstimateSettings {
        op: OpName::Matmul,
        shape: vec![1024, 1024, 1024],
        dtype: Dtype::Bf16,
        gpu: Part::Named("h100-sxm".into()),
        cpu: Part::Auto,
        machine: Machine::Recorded(fixture()),
        scenario: Scenario { repeats: 10, ..Scenario::default() },
        extras: Extras::default(),
        profile: None,
        seed: None,
    };
    let estimated = gpuwise_service::estimate::estimate(&settings, &Variables::default(), &mut |_| {}).unwrap();
    gpuwise_render::estimate_json(&estimated.estimate, None)
}

#[test]
fn the_api_answers_what_the_command_lines_json_prints_by_get_form_and_json_post() {
    let server = Running::local();
    let want = cli_json();
    let get = server.get("/api/estimate?op=matmul&shape=1024x1024x1024&dtype=bf16&gpu=h100-sxm&repeats=10");
    assert_eq!((get.status, get.header("content-type")), (200, Some("application/json")));
    assert_eq!(get.body, want);
    let form = server.post(
        "/api/estimate",
        "application/x-www-form-urlencoded",
        "op=matmul&shape=1024&shape=1024&shape=1Ki&dtype=bf16&gpu=h100-sxm&repeats=10",
    );
    assert_eq!((form.status, &form.body), (200, &want));
    let json = server.post(
        "/api/estimate",
        "application/json",
        r#"{"op":"matmul","shape":[1024,1024,1024],"dtype":"bf16","gpu":"h100-sxm","repeats":10}"#,
    );
    assert_eq!((json.status, &json.body), (200, &want));
    assert!(get.header("server-timing").is_some_and(|t| t.starts_with("app;dur=")));
}

#[test]
fn mistakes_are_refused_with_the_input_named_and_the_models_words() {
    let server = Running::local();
    let reply = server.get("/api/estimate?op=matmul&shape=8,8,8&repeats=-1");
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json()["error"]["input"], "repeats");
    assert_eq!(reply.json()["error"]["message"], "Repeats cannot be negative, got `-1`");
    let reply = server.get("/api/estimate?op=matmul&shape=100000000,100000000,100000000&gpu=h100-sxm");
    assert_eq!((reply.status, reply.json()["error"]["input"].as_str()), (400, Some("shape")));
    assert!(reply.json()["error"]["message"].as_str().unwrap().contains("PiB of memory"), "{}", reply.body);
    let reply = server.post("/api/estimate", "application/json", "[1,2]");
    assert_eq!(reply.status, 400);
    assert!(reply.body.contains("JSON object"), "{}", reply.body);
    // The page shows the same message where the answer goes, and marks the field.
    let page = server.get("/?op=matmul&shape=8,8,8&repeats=-1");
    assert_eq!(page.status, 200);
    assert!(page.body.contains(r#"role="alert" data-input="repeats">Repeats cannot be negative, got `-1`</p>"#));
    assert!(page.body.contains(r#"name="repeats" value="-1" placeholder="1" autocomplete="off" aria-invalid="true""#));
}

#[test]
fn the_page_shows_the_answer_and_this_machine_without_javascript() {
    let server = Running::local();
    let page = server.get("/?op=conv2d");
    assert_eq!((page.status, page.header("content-type")), (200, Some("text/html; charset=utf-8")));
    for part in ["id=\"verdict\"", "GPU total, with transfers", "<svg", "Break-even", "gpuwise estimate --op conv2d"] {
        assert!(page.body.contains(part), "{part} missing");
    }
    // Each link is relative, so the page works under a proxy's path prefix.
    assert!(!page.body.contains("href=\"/") && !page.body.contains("src=\"/"));
    let machine = server.get("/machine");
    assert_eq!(machine.status, 200);
    assert!(machine.body.contains("NVIDIA H100 80GB HBM3"), "{}", machine.body);
    let doctor = server.get("/api/doctor");
    assert_eq!(doctor.json()["system"]["devices"][0]["name"], "NVIDIA H100 80GB HBM3");
    let gpus = server.get("/api/gpus");
    assert!(gpus.json()["gpus"].as_array().is_some_and(|rows| rows.len() > 10), "{}", gpus.body);
    assert_eq!(server.get("/no/such/page").status, 404);
    assert_eq!(server.get("/style.css").header("content-type"), Some("text/css; charset=utf-8"));
}

#[test]
fn without_a_usable_gpu_here_a_new_page_shows_an_example_gpu_and_says_so() {
    let server = Running::on(system("no-gpu-this-machine.json"), None, Limits::default());
    // The first request may come before the machine is read: either way the page is the same.
    let page = server.get("/");
    assert!(page.body.contains(r#"<option value="h100-sxm" selected>"#), "{}", page.body);
    assert!(page.body.contains("This machine's GPU cannot be used (no NVIDIA GPU is visible here"), "{}", page.body);
    assert!(
        page.body.contains("showing the NVIDIA H100 SXM5 80GB: choose your GPU above.")
            && page.body.contains("id=\"verdict\"")
    );
    // A GPU the user chose is theirs: the message, no substitute. The API keeps the command line's ways.
    let chosen = server.get("/?op=matmul&gpu=auto");
    assert!(
        chosen.body.contains(r#"data-input="gpu">no NVIDIA GPU is visible here: name one with GPU</p>"#),
        "{}",
        chosen.body
    );
    let api = server.get("/api/estimate?op=matmul&shape=8,8,8");
    assert_eq!((api.status, api.json()["error"]["input"].as_str()), (400, Some("gpu")));
}

#[test]
fn oversized_requests_are_refused_before_any_work() {
    let server = Running::local();
    let long = format!("/api/estimate?op=matmul&shape={}", "1,".repeat(5000));
    let reply = server.get(&long);
    assert_eq!(reply.status, 414);
    assert!(reply.body.contains("the limit is 8192"), "{}", reply.body);
    let body = format!("op=matmul&shape={}", "9".repeat(20_000));
    let reply = server.post("/api/estimate", "application/x-www-form-urlencoded", &body);
    assert_eq!(reply.status, 413);
    // A body longer than it says is cut at the limit too.
    let sneaky = format!(
        "POST /api/estimate HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{}\r\n0\r\n\r\n",
        20_000,
        "9".repeat(20_000)
    );
    assert_eq!(server.send(&sneaky).status, 413);
}

#[test]
fn on_loopback_only_requests_addressed_to_this_machine_are_answered() {
    let server = Running::local();
    assert_eq!(server.warning, None);
    let foreign = server.send("GET /api/gpus HTTP/1.1\r\nHost: attacker.example:8765\r\nConnection: close\r\n\r\n");
    assert_eq!(foreign.status, 403);
    assert!(foreign.body.contains("attacker.example"), "{}", foreign.body);
    for host in ["localhost:1", "127.0.0.1", "[::1]:8765"] {
        let reply = server.send(&format!("GET /api/gpus HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"));
        assert_eq!(reply.status, 200, "{host}");
    }
}

#[test]
fn through_jupyter_server_proxy_the_page_answers_with_its_links_based_there() {
    let settings = ServeSettings {
        system: Some(fixture()),
        jupyter_proxy: Some("/user/alice/".into()),
        ..ServeSettings::default()
    };
    let server = Running::with(settings);
    let context = format!("/user/alice/proxy/{}", server.addr.port());
    let proxied = |context: &str| {
        server.send(&format!(
            "GET / HTTP/1.1\r\nHost: hub.example.org\r\nX-Forwarded-Context: {context}\r\nConnection: close\r\n\r\n"
        ))
    };
    let page = proxied(&context);
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains(&format!(r#"<base href="{context}/">"#)), "links start at the proxy's path");
    assert_eq!(proxied("/user/mallory/proxy/1").status, 403, "another path is not this server's proxy");
    let local = server.get("/");
    assert!(local.status == 200 && !local.body.contains("<base"), "opened directly, the page is its own base");
}

#[test]
fn another_address_is_taken_only_when_given_and_then_warned_of() {
    let server = Running::start(Some(IpAddr::V4(Ipv4Addr::UNSPECIFIED)), Limits::default());
    let warning = server.warning.clone().unwrap();
    assert!(warning.starts_with("listening on 0.0.0.0: anyone who can reach this machine"), "{warning}");
    let named = server.send("GET /api/gpus HTTP/1.1\r\nHost: gpu-node-17.cluster:8765\r\nConnection: close\r\n\r\n");
    assert_eq!(named.status, 200, "{}", named.body);
}

#[test]
fn a_burst_beyond_the_rate_is_refused_with_retry_after() {
    let limits = Limits { burst: 3, refill: Duration::from_secs(3600), ..Limits::default() };
    let server = Running::start(None, limits);
    let statuses: Vec<u16> = (0..5).map(|_| server.get("/api/gpus").status).collect();
    assert_eq!(statuses, [200, 200, 200, 429, 429]);
    assert_eq!(server.get("/api/gpus").header("retry-after"), Some("1"));
}

#[test]
fn many_requests_at_once_are_all_answered_a_few_at_a_time() {
    let limits = Limits { concurrent: 2, ..Limits::default() };
    let server = Running::start(None, limits);
    let port = server.addr.port();
    let clients: Vec<_> = (0..48)
        .map(|i| {
            std::thread::spawn(move || {
                let path = format!("/api/estimate?op=elementwise&shape={}&gpu=h100-sxm", 1000 + i);
                let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
                let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
                stream.write_all(request.as_bytes()).unwrap();
                let mut raw = String::new();
                stream.read_to_string(&mut raw).unwrap();
                Reply::parse(&raw)
            })
        })
        .collect();
    for client in clients {
        let reply = client.join().unwrap();
        assert_eq!(reply.status, 200, "{}", reply.body);
        assert_eq!(reply.json()["op"], "elementwise");
    }
}

#[test]
fn stopping_finishes_and_frees_the_port() {
    let mut server = Running::local();
    let port = server.addr.port();
    assert_eq!(server.get("/api/gpus").status, 200);
    server.stop().unwrap();
    assert!(TcpStream::connect((Ipv4Addr::LOCALHOST, port)).is_err(), "still listening after stop");
    std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, port)).expect("the port is free again");
}

#[test]
fn a_port_in_use_is_named() {
    let taken = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = taken.local_addr().unwrap().port();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let settings = ServeSettings { port, ..ServeSettings::default() };
    let err = runtime.block_on(Server::bind(settings, Variables::default())).err().unwrap();
    assert_eq!(
        err.to_string(),
        format!("port {port} is in use: pick another with --port, or --port 0 for any free port")
    );
}
