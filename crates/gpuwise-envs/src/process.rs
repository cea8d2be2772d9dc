//! Running a child process with a time limit, reading its output without risking a hang.

use std::io::Read;
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use wait_timeout::ChildExt;

/// Most bytes kept from each of a child's output streams.
const OUTPUT_LIMIT: u64 = 4 << 20;

/// What a finished child left.
#[derive(Debug, Clone)]
pub struct Finished {
    /// Its exit status.
    pub status: ExitStatus,
    /// Standard output (up to a few MiB).
    pub stdout: Vec<u8>,
    /// Standard error (up to a few MiB).
    pub stderr: Vec<u8>,
}

/// Why a child did not finish.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunError {
    /// It could not be started; the operating system's reason.
    Spawn(String),
    /// It ran past the limit and was killed.
    TimedOut,
}

/// Runs `command` (stdin closed, output captured), killing it after `timeout`. A grandchild
/// that keeps the output pipes open after the child exits cannot hang the caller.
pub fn run(command: &mut Command, timeout: Duration) -> Result<Finished, RunError> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|err| RunError::Spawn(err.to_string()))?;
    let stdout = drain(child.stdout.take());
    let stderr = drain(child.stderr.take());
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => status,
        Ok(None) | Err(_) => {
            let _ = child.kill();
            let _ = child.wait();
            return Err(RunError::TimedOut);
        }
    };
    let grace = Duration::from_millis(500);
    Ok(Finished {
        status,
        stdout: stdout.recv_timeout(grace).unwrap_or_default(),
        stderr: stderr.recv_timeout(grace).unwrap_or_default(),
    })
}

/// Reads a pipe to its end (up to [`OUTPUT_LIMIT`]) on a thread; the bytes arrive on the channel.
fn drain(pipe: Option<impl Read + Send + 'static>) -> mpsc::Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel();
    if let Some(pipe) = pipe {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.take(OUTPUT_LIMIT).read_to_end(&mut bytes);
            let _ = sender.send(bytes);
        });
    }
    receiver
}

/// The last non-empty line of `text`, on one line and at most 160 characters, quoted.
pub fn last_line(text: &str) -> String {
    excerpt(text.lines().rev().find(|line| !line.trim().is_empty()).unwrap_or(""))
}

/// The first 160 characters of `text` on one line, quoted, or `nothing` when it is empty.
pub fn excerpt(text: &str) -> String {
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.is_empty() {
        return "nothing".into();
    }
    let cut: String = one_line.chars().take(160).collect();
    if cut.len() < one_line.len() { format!("{cut:?}...") } else { format!("{cut:?}") }
}
