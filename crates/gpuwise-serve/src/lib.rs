//! `gpuwise serve`: the estimate calculator and this machine's doctor answer as a local web page.
//!
//! The page is rendered on the server (it works as a plain form without JavaScript) and a small
//! script inside the binary updates it as inputs change; the URL holds the inputs, so a link
//! reproduces the result. `/api/estimate` and `/api/doctor` answer with the JSON the command
//! line's `--json` prints. Inputs are read by the model's own parsers, so the page refuses what
//! the command line refuses, in the same words, naming the field as the page labels it.
//!
//! The server listens on 127.0.0.1 unless told another address, and then answers only when that
//! was asked for explicitly (see [`ServeSettings::host`]); requests are bounded in size, in
//! number at a time and in rate.

mod api;
mod app;
mod assets;
mod fields;
mod form;
mod limits;
mod machine;
mod page;
mod query;
mod results;

use std::future::Future;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use gpuwise_core::Variables;

pub use limits::Limits;

/// What `gpuwise serve` is asked for.
#[derive(Debug, Clone, Default)]
pub struct ServeSettings {
    /// The address to listen on; `None` is 127.0.0.1. Any other address must be given here
    /// explicitly: the server then warns that other machines can reach it.
    pub host: Option<IpAddr>,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// A recorded system (`gpuwise doctor --json`) the page describes as "this machine".
    pub system: Option<PathBuf>,
    /// Interpreters doctor judges besides the one on PATH.
    pub pythons: Vec<PathBuf>,
    /// Bounds on requests.
    pub limits: Limits,
    /// The base path of a Jupyter server on this machine that also serves the page through
    /// jupyter-server-proxy, at `{base}proxy/{port}/` (JupyterHub's `JUPYTERHUB_SERVICE_PREFIX`,
    /// such as `/user/alice/`). The proxy passes the browser's Host on (the hub's name, not this
    /// machine's), so on a loopback address requests it marks as coming from that path
    /// (`X-Forwarded-Context`) are answered as well. A page in a browser on this machine that
    /// knows the path could send that mark too: set this only where the Jupyter server is the way
    /// in (a JupyterHub user's server, whose browser is elsewhere).
    pub jupyter_proxy: Option<String>,
}

/// Why the server did not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The port is taken.
    #[error("port {0} is in use: pick another with --port, or --port 0 for any free port")]
    PortInUse(u16),
    /// Another failure to listen.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The server failed while running.
    #[error("the server stopped: {0}")]
    Serve(std::io::Error),
}

/// A server bound to its address, not yet answering.
pub struct Server {
    listener: tokio::net::TcpListener,
    app: app::App,
    addr: SocketAddr,
}

impl Server {
    /// Binds the address `settings` give (must run inside a Tokio runtime) and starts probing
    /// this machine in the background, so the page's first answer finds it ready.
    ///
    /// # Errors
    /// The address cannot be listened on.
    pub async fn bind(settings: ServeSettings, vars: Variables) -> Result<Server, ServeError> {
        let ip = settings.host.unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
        let wanted = SocketAddr::new(ip, settings.port);
        let listener = tokio::net::TcpListener::bind(wanted).await.map_err(|source| {
            if source.kind() == std::io::ErrorKind::AddrInUse {
                ServeError::PortInUse(settings.port)
            } else {
                ServeError::Listen { addr: wanted, source }
            }
        })?;
        let addr = listener.local_addr().map_err(|source| ServeError::Listen { addr: wanted, source })?;
        let proxied = settings.jupyter_proxy.as_deref().map(|base| limits::proxy_context(base, addr.port()));
        let app = app::App::start(&settings, vars, addr.ip().is_loopback(), proxied);
        Ok(Server { listener, app, addr })
    }

    /// Where it listens.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The page's address: `http://127.0.0.1:8765/`.
    pub fn url(&self) -> String {
        match self.addr.ip() {
            IpAddr::V6(ip) => format!("http://[{ip}]:{}/", self.addr.port()),
            IpAddr::V4(ip) => format!("http://{ip}:{}/", self.addr.port()),
        }
    }

    /// The warning to show when other machines can reach the server, `None` on a loopback
    /// address.
    pub fn exposure_warning(&self) -> Option<String> {
        (!self.addr.ip().is_loopback()).then(|| {
            format!(
                "listening on {}: anyone who can reach this machine on port {} can use the page and read this \
                 machine's report (GPUs, driver, Python environments and their paths)",
                self.addr.ip(),
                self.addr.port()
            )
        })
    }

    /// Answers requests until `shutdown` completes, then finishes the requests under way.
    ///
    /// # Errors
    /// The listener fails.
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send + 'static) -> Result<(), ServeError> {
        let _stop_listening = StopListening::new(&self.listener);
        let router = app::router(self.app);
        axum::serve(self.listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await
            .map_err(ServeError::Serve)
    }
}

/// Ends listening when dropped, once the server is done with the listener: closing it is not
/// enough where a child process forked meanwhile still holds it (doctor runs programs, and so may
/// the process the server lives in) until it starts its own program; for that moment the port
/// would still accept connections and refuse a new server. Shutting the socket down ends
/// listening at once (on Linux; elsewhere the close does it).
struct StopListening(Option<socket2::Socket>);

impl StopListening {
    fn new(listener: &tokio::net::TcpListener) -> StopListening {
        StopListening(socket2::SockRef::from(listener).try_clone().ok())
    }
}

impl Drop for StopListening {
    fn drop(&mut self) {
        if let Some(socket) = &self.0 {
            // Where shutting a listener down is not supported, closing it is all there is.
            let _ = socket.shutdown(std::net::Shutdown::Both);
        }
    }
}
