//! The `cporamp` binary: everything lives in the library so tests can call it.

fn main() -> std::process::ExitCode {
    cporamp_cli::run(std::env::args_os())
}
