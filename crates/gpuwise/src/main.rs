//! The `gpuwise` command: parses the command line, runs the command, exits with its status.

fn main() -> std::process::ExitCode {
    // SAFETY: first thing in main: no other thread exists and CUDA is not initialised.
    unsafe { gpuwise::run_program(std::env::args_os()) }.into()
}
