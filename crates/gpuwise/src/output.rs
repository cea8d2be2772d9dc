//! Writing to the terminal: colour only where it is wanted, quiet exit on a closed pipe.

use std::io::Write;

/// Writes text to stdout; styling is stripped when stdout is not a terminal or `NO_COLOR` is set.
pub fn print(text: &str) -> std::io::Result<()> {
    let mut out = anstream::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// True when the error is a write to a closed pipe (`gpuwise | head`).
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain()
        .filter_map(|cause| cause.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}

/// Prints a line to stderr (what a long command is doing); a closed stderr is not an error.
pub fn note(message: &str) {
    let _ = writeln!(anstream::stderr().lock(), "{message}");
}

/// Prints a warning to stderr: `warning: ...`.
pub fn warn(message: &str) {
    let mut stderr = anstream::stderr().lock();
    let yellow = anstyle::AnsiColor::Yellow.on_default().bold();
    let _ = writeln!(stderr, "{yellow}warning{yellow:#}: {message}");
}

/// Prints an error and its causes to stderr, uv style: `error: ...` then `  Caused by: ...`.
pub fn report_error(err: &anyhow::Error) {
    let mut stderr = anstream::stderr().lock();
    let red = anstyle::AnsiColor::Red.on_default().bold();
    let _ = writeln!(stderr, "{red}error{red:#}: {err}");
    for cause in err.chain().skip(1) {
        let _ = writeln!(stderr, "  Caused by: {cause}");
    }
}
