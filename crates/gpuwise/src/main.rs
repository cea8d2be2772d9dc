//! The `gpuwise` command: parses the command line, runs the command, exits with its status.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(gpuwise::main_with_args(std::env::args_os()))
}
