//! `gpuwise.serve()`: the calculator page (`gpuwise serve`) answered from a thread of the Python
//! process, on a Tokio runtime of its own, so the notebook stays usable while it runs; `stop()`
//! ends it as Ctrl-C ends the command: the requests under way finish, then the port is free.

use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use gpuwise_serve::{Limits, ServeError, ServeSettings, Server};
use pyo3::exceptions::{PyRuntimeError, PyValueError};
use pyo3::prelude::*;
use tokio::sync::oneshot;

use crate::{keyword, variables};

/// How long `stop()` lets the requests under way finish before it closes their connections.
const GRACE: Duration = Duration::from_secs(5);

/// A server answering from its own thread until `stop()`. Dropping it without `stop()` drops the
/// sender, which stops the server too, without waiting for it.
#[pyclass(module = "gpuwise._gpuwise", frozen)]
pub(crate) struct Served {
    /// The page's address, `http://127.0.0.1:8765/`.
    #[pyo3(get)]
    url: String,
    /// The port it listens on (the one picked when 0 was asked for).
    #[pyo3(get)]
    port: u16,
    /// What to warn of when other machines can reach it; `None` on a loopback address.
    #[pyo3(get)]
    warning: Option<String>,
    /// The thread and what tells it to stop; `None` once stopped.
    running: Mutex<Option<Running>>,
}

/// A running server's thread and its stop signal.
struct Running {
    stop: oneshot::Sender<()>,
    thread: JoinHandle<Result<(), ServeError>>,
}

#[pymethods]
impl Served {
    /// True until `stop()`, or until the server failed on its own.
    #[getter]
    fn running(&self) -> bool {
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner);
        running.as_ref().is_some_and(|running| !running.thread.is_finished())
    }

    /// Stops the server: no new connections, the requests under way finish (for a few seconds
    /// at most), the port is released and the thread has ended when it returns. The GIL is
    /// released meanwhile. Does nothing once stopped.
    fn stop(&self, py: Python<'_>) -> PyResult<()> {
        let running = self.running.lock().unwrap_or_else(PoisonError::into_inner).take();
        let Some(Running { stop, thread }) = running else { return Ok(()) };
        // The thread is gone already when the server failed on its own: it reports why below.
        let _ = stop.send(());
        match py.detach(|| thread.join()) {
            Ok(outcome) => outcome.map_err(|err| PyRuntimeError::new_err(err.to_string())),
            Err(_) => Err(PyRuntimeError::new_err("the server's thread panicked")),
        }
    }
}

/// Starts serving on `host` (default 127.0.0.1) and `port` (0: any free one), as `gpuwise
/// serve` does, and returns once the port is listened on. `system` is a recorded machine the
/// page describes instead of this one, `pythons` the interpreters its doctor panel judges, and
/// `jupyter_proxy` the base path of the Jupyter server whose jupyter-server-proxy forwards to it.
#[pyfunction]
#[pyo3(signature = (port, *, host=None, system=None, pythons=Vec::new(), jupyter_proxy=None))]
pub(crate) fn serve(
    py: Python<'_>,
    port: u16,
    host: Option<&str>,
    system: Option<PathBuf>,
    pythons: Vec<PathBuf>,
    jupyter_proxy: Option<String>,
) -> PyResult<Served> {
    let host = host.map(address).transpose()?;
    let vars = variables()?;
    let settings = ServeSettings { host, port, system, pythons, limits: Limits::default(), jupyter_proxy };
    py.detach(|| start(settings, vars))
}

/// `text` as the address to listen on.
fn address(text: &str) -> PyResult<IpAddr> {
    text.trim().parse().map_err(|_| {
        PyValueError::new_err(format!(
            "{}: `{text}` is not an IP address: use 127.0.0.1 (this machine only, the default), 0.0.0.0 \
             (every network this machine is on) or one of this machine's addresses",
            keyword("host")
        ))
    })
}

/// Binds, then hands the server and its runtime to a thread of their own.
fn start(settings: ServeSettings, vars: gpuwise_core::Variables) -> PyResult<Served> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("gpuwise-serve")
        .enable_all()
        .build()
        .map_err(|err| PyRuntimeError::new_err(format!("cannot start the server's threads: {err}")))?;
    let server = runtime.block_on(Server::bind(settings, vars)).map_err(refused)?;
    let (url, port, warning) = (server.url(), server.addr().port(), server.exposure_warning());
    let (stop, stopped) = oneshot::channel();
    let thread = std::thread::Builder::new()
        .name("gpuwise-serve".into())
        .spawn(move || {
            let outcome = runtime.block_on(answer(server, stopped));
            // A doctor run still under way in the background finishes on its own.
            runtime.shutdown_background();
            outcome
        })
        .map_err(|err| PyRuntimeError::new_err(format!("cannot start the server's thread: {err}")))?;
    Ok(Served { url, port, warning, running: Mutex::new(Some(Running { stop, thread })) })
}

/// Answers until `stopped` completes (or its sender is dropped), then lets the requests under way
/// finish for [`GRACE`] at most.
async fn answer(server: Server, stopped: oneshot::Receiver<()>) -> Result<(), ServeError> {
    let (finish, finishing) = oneshot::channel::<()>();
    let serving = server.run(async move { drop(finishing.await) });
    tokio::pin!(serving);
    tokio::select! {
        outcome = &mut serving => outcome,
        _ = stopped => {
            let _ = finish.send(());
            tokio::time::timeout(GRACE, serving).await.unwrap_or(Ok(()))
        }
    }
}

/// Why the server did not start, as Python callers read it: a port in use (or one this user may
/// not take) and an address this machine does not have are the arguments' fault.
fn refused(err: ServeError) -> PyErr {
    use std::io::ErrorKind::{AddrNotAvailable, PermissionDenied};
    match err {
        ServeError::PortInUse(port) => PyValueError::new_err(format!(
            "{}: {port} is in use: pick another with `port=`, or `port=0` for any free port",
            keyword("port")
        )),
        ServeError::Listen { addr, source } if matches!(source.kind(), AddrNotAvailable | PermissionDenied) => {
            PyValueError::new_err(format!("cannot listen on {addr} (`host`, `port`): {source}"))
        }
        other => PyRuntimeError::new_err(other.to_string()),
    }
}
