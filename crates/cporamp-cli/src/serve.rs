//! `cporamp serve`: starts the dashboard (`cporamp_serve`) on a tokio runtime, prints its
//! address and serves until Ctrl-C. A non-loopback address is refused without
//! `--allow-remote`, and warned about with it.

use std::io::Write;

use crate::Failure;
use crate::args::ServeArgs;

/// A line on standard error; a closed stderr is no reason to stop serving.
fn note(line: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{line}");
}

pub(crate) fn run(args: &ServeArgs) -> Result<(), Failure> {
    if !args.bind.is_loopback() {
        if !args.allow_remote {
            return Err(Failure::Input(anyhow::anyhow!(
                "--bind {}: not a loopback address; the dashboard has no authentication, so \
                 anyone who reaches it can start runs. Add --allow-remote to bind it anyway",
                args.bind
            )));
        }
        note(&format!(
            "warning: listening on {} (not loopback) without authentication: anyone who reaches \
             this address can read the runs and start new ones",
            args.bind
        ));
    }
    let threads = args.threads.unwrap_or_else(crate::machine_threads);
    let config = cporamp_serve::Config {
        bind: std::net::SocketAddr::new(args.bind, args.port),
        threads,
        max_running: usize::from(args.max_runs),
        ..cporamp_serve::Config::local(args.port, args.store.clone())
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(Failure::internal)?;
    let served = runtime.block_on(async {
        let server = cporamp_serve::Server::start(config)
            .await
            .map_err(|e| Failure::Input(anyhow::anyhow!(e)))?;
        if server.interrupted() > 0 {
            note(&format!(
                "{} run(s) of the previous server were unfinished; marked failed (interrupted)",
                server.interrupted()
            ));
        }
        note(&format!(
            "cporamp serve: http://{}/ (run store {}; Ctrl-C stops)",
            server.address(),
            args.store.display()
        ));
        let _ = tokio::signal::ctrl_c().await;
        note("stopping: runs still going are marked failed (interrupted)");
        server.shutdown().await;
        Ok(())
    });
    // A cancelled run stops at the pipeline's next progress report; do not wait longer than
    // this for one stuck in a long unit of work (the store already says it failed).
    runtime.shutdown_timeout(std::time::Duration::from_secs(10));
    served
}
