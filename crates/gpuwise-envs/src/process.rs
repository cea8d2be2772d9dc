//! Running a child process with a time limit, reading its output without risking a hang.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Child, Command, ExitStatus, Stdio};
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

/// Runs `command` (stdin closed, output captured) in a process group of its own, killing it
/// after `timeout`. Whatever the child started is killed with it, at the timeout or when it
/// exits (a probed interpreter leaves nothing running), and a grandchild that keeps the output
/// pipes open cannot hang the caller.
pub fn run(command: &mut Command, timeout: Duration) -> Result<Finished, RunError> {
    run_capped(command, timeout, OUTPUT_LIMIT)
}

/// [`run`], keeping up to `limit` bytes of each output stream (a cluster's worth of reports is
/// more than one program's few MiB).
pub fn run_capped(command: &mut Command, timeout: Duration, limit: u64) -> Result<Finished, RunError> {
    let ran = run_keeping(command, timeout, limit).map_err(RunError::Spawn)?;
    if ran.timed_out { Err(RunError::TimedOut) } else { Ok(ran.output) }
}

/// What a child left, whether it finished or was killed at its time limit.
#[derive(Debug, Clone)]
pub struct Ran {
    /// Its status and what it printed until it ended.
    pub output: Finished,
    /// True when it ran past the limit and was killed.
    pub timed_out: bool,
}

/// [`run_capped`], keeping what the child printed when it is killed at the limit too (several
/// machines' answers, some of which came in time); `Err` is the operating system's reason it
/// could not be started.
pub fn run_keeping(command: &mut Command, timeout: Duration, limit: u64) -> Result<Ran, String> {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .map_err(|err| err.to_string())?;
    let stdout = drain(child.stdout.take(), limit);
    let stderr = drain(child.stderr.take(), limit);
    let waited = child.wait_timeout(timeout);
    kill_group(&child);
    let (status, timed_out) = match waited {
        Ok(Some(status)) => (status, false),
        Ok(None) | Err(_) => (child.wait().map_err(|err| err.to_string())?, true),
    };
    let grace = Duration::from_millis(500);
    let output = Finished {
        status,
        stdout: stdout.recv_timeout(grace).unwrap_or_default(),
        stderr: stderr.recv_timeout(grace).unwrap_or_default(),
    };
    Ok(Ran { output, timed_out })
}

/// Kills every process left in `child`'s process group (the group is the child's own: it was
/// started as the group's leader, so nothing else is in it).
fn kill_group(child: &Child) {
    let group = i32::try_from(child.id()).ok().and_then(rustix::process::Pid::from_raw);
    if let Some(group) = group {
        let _ = rustix::process::kill_process_group(group, rustix::process::Signal::KILL);
    }
}

/// Reads a pipe to its end (up to `limit` bytes) on a thread; the bytes arrive on the channel.
fn drain(pipe: Option<impl Read + Send + 'static>, limit: u64) -> mpsc::Receiver<Vec<u8>> {
    let (sender, receiver) = mpsc::channel();
    if let Some(pipe) = pipe {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            let _ = pipe.take(limit).read_to_end(&mut bytes);
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn what_a_child_printed_before_its_limit_is_kept() {
        let mut command = Command::new("sh");
        command.args(["-c", "echo early; exec sleep 600"]);
        let ran = run_keeping(&mut command, Duration::from_secs(5), OUTPUT_LIMIT).unwrap();
        assert!(ran.timed_out);
        assert_eq!(String::from_utf8_lossy(&ran.output.stdout), "early\n");
        assert!(run_keeping(&mut Command::new("/no/such/program"), Duration::from_secs(5), 1).is_err());
    }

    /// True once `pid` is gone (or a zombie no one waits for: its group was killed), polled for
    /// up to a minute.
    fn ends(pid: i32) -> bool {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(60) {
            let status = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            if status.is_empty() || status.split(") ").nth(1).is_some_and(|rest| rest.starts_with('Z')) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
    }

    #[test]
    fn what_the_child_started_ends_with_it_at_the_timeout_and_at_exit() {
        let dir = tempfile::tempdir().unwrap();
        // The first runs into its 2 s limit; the second exits at once (its limit is never reached).
        let cases = [("sleep 1000 & echo $! > PID; sleep 1000", 2, true), ("sleep 1000 & echo $! > PID", 600, false)];
        for (script, seconds, timed_out) in cases {
            let pid_file = dir.path().join("PID");
            let _ = std::fs::remove_file(&pid_file);
            let result =
                run(Command::new("sh").arg("-c").arg(script).current_dir(dir.path()), Duration::from_secs(seconds));
            assert_eq!(matches!(result, Err(RunError::TimedOut)), timed_out, "{script}");
            // A machine too slow to start the grandchild within the limit started nothing.
            if let Ok(text) = std::fs::read_to_string(&pid_file) {
                let pid: i32 = text.trim().parse().unwrap();
                assert!(ends(pid), "{script}: the grandchild {pid} still runs");
            }
        }
    }
}
