//! `gpuwise serve`: the calculator and this machine's panel as a local web page, until Ctrl-C.

use std::sync::Arc;

use anyhow::Context as _;
use gpuwise_core::Variables;
use gpuwise_serve::{ServeSettings, Server};

use crate::ExitStatus;
use crate::cli::ServeArgs;
use crate::output;

/// Serves until Ctrl-C (or SIGTERM), then finishes the requests under way.
pub fn run(args: &ServeArgs, vars: &Variables) -> anyhow::Result<ExitStatus> {
    let settings = ServeSettings {
        host: args.host,
        port: args.port,
        system: args.system.clone(),
        pythons: args.python.clone(),
        limits: gpuwise_serve::Limits::default(),
        // Under JupyterHub the browser comes through jupyter-server-proxy at this prefix.
        jupyter_proxy: jupyterhub_prefix(vars).map(str::to_string),
    };
    let runtime = tokio::runtime::Runtime::new().context("cannot start the server's threads")?;
    let status = runtime.block_on(async {
        let stopped = stop_signals().context("cannot catch Ctrl-C")?;
        let server = Server::bind(settings, vars.clone()).await?;
        let url = server.url();
        if let Some(warning) = server.exposure_warning() {
            output::warn(&warning);
        }
        output::print(&format!("Serving the calculator at {url} (Ctrl-C stops it)\n"))?;
        if let Some(prefix) = jupyterhub_prefix(vars) {
            let port = server.addr().port();
            output::note(&format!("Through JupyterHub: {prefix}proxy/{port}/ (needs jupyter-server-proxy)"));
        }
        if args.open
            && let Err(err) = webbrowser::open(&url)
        {
            output::warn(&format!("cannot open a web browser ({err}): open {url} yourself"));
        }
        let finish = Arc::new(tokio::sync::Notify::new());
        let finishing = Arc::clone(&finish);
        let serving = server.run(async move { finishing.notified().await });
        tokio::pin!(serving);
        tokio::select! {
            served = &mut serving => served?,
            () = stopped => {
                finish.notify_one();
                // Requests under way get a moment to finish (a check of this machine may take
                // long); then the server stops regardless.
                if tokio::time::timeout(GRACE, &mut serving).await.is_err() {
                    output::warn(&format!("requests still under way after {} s were cut off", GRACE.as_secs()));
                }
            }
        }
        output::note("Stopped.");
        anyhow::Ok(ExitStatus::Success)
    });
    // A check of this machine still running is not waited for.
    runtime.shutdown_background();
    status
}

/// How long requests under way may take to finish once the server is told to stop.
const GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// The user's JupyterHub prefix (`/user/alice/`), when this runs in a JupyterHub session.
fn jupyterhub_prefix(vars: &Variables) -> Option<&str> {
    vars.get("JUPYTERHUB_SERVICE_PREFIX").filter(|prefix| !prefix.is_empty())
}

/// A future that completes on Ctrl-C, or on SIGTERM where there is one (service managers,
/// `kill`); the signals are caught from this call on, so one sent right after the address is
/// printed stops the server cleanly too.
#[cfg(unix)]
fn stop_signals() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt())?;
    let mut terminate = signal(SignalKind::terminate())?;
    Ok(async move {
        tokio::select! { _ = interrupt.recv() => {}, _ = terminate.recv() => {} }
    })
}

/// A future that completes on Ctrl-C.
#[cfg(not(unix))]
fn stop_signals() -> std::io::Result<impl std::future::Future<Output = ()> + Send + 'static> {
    Ok(async { drop(tokio::signal::ctrl_c().await) })
}
