//! `gpuwise serve` as a user runs it: the address it prints, Ctrl-C, a taken port, another
//! address.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Ipv4Addr, TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `gpuwise serve ARGS` on the H100 fixture, and the address it printed.
fn serve(args: &[&str]) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gpuwise"))
        .arg("serve")
        .args(["--system", common::repo("fixtures/systems/h100-sxm.json").to_str().unwrap()])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|word| word.starts_with("http://")).unwrap_or_default().to_string();
    assert!(line.starts_with("Serving the calculator at http://") && line.contains("(Ctrl-C stops it)"), "{line}");
    (child, url)
}

/// The status line and body of `GET path` at `url`'s port.
fn get(url: &str, path: &str) -> String {
    let port: u16 = url.trim_end_matches('/').rsplit(':').next().unwrap().parse().unwrap();
    let mut stream = TcpStream::connect((Ipv4Addr::LOCALHOST, port)).unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n").unwrap();
    let mut reply = String::new();
    stream.read_to_string(&mut reply).unwrap();
    reply
}

/// Sends `signal` and waits (a minute at most, against a hang) for the exit.
fn stop(child: &mut Child, signal: &str) -> (Option<i32>, String) {
    let status = Command::new("kill").args([signal, &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(60);
    while child.try_wait().unwrap().is_none() {
        assert!(Instant::now() < deadline, "gpuwise serve did not stop on {signal}");
        std::thread::sleep(Duration::from_millis(20));
    }
    let mut stderr = String::new();
    child.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    (child.wait().unwrap().code(), stderr)
}

#[test]
fn it_prints_its_address_answers_there_and_stops_cleanly_on_ctrl_c() {
    let (mut child, url) = serve(&["--port", "0"]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let page = get(&url, "/");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(page.contains("Is the GPU worth it"));
    let api = get(&url, "/api/estimate?op=fft&shape=1Mi&gpu=h100-sxm");
    assert!(api.starts_with("HTTP/1.1 200") && api.contains("\"op\": \"fft\""), "{api}");
    let (code, stderr) = stop(&mut child, "-INT");
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("Stopped."), "{stderr}");
}

#[test]
fn sigterm_stops_it_too() {
    let (mut child, _) = serve(&["--port", "0"]);
    let (code, stderr) = stop(&mut child, "-TERM");
    assert_eq!(code, Some(0), "{stderr}");
}

#[test]
fn a_taken_port_is_named_with_the_way_out() {
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = common::gpuwise("serve", &["--port", &port]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains(&format!("port {port} is in use: pick another with --port")), "{stderr}");
}

#[test]
fn another_address_only_with_host_and_with_a_warning() {
    common::refused("serve", &["--host", "everywhere"], "invalid value 'everywhere' for '--host <ADDRESS>'");
    let (mut child, url) = serve(&["--port", "0", "--host", "0.0.0.0"]);
    assert!(url.starts_with("http://0.0.0.0:"), "{url}");
    let (_, stderr) = stop(&mut child, "-INT");
    assert!(stderr.contains("warning: listening on 0.0.0.0: anyone who can reach this machine"), "{stderr}");
}
