//! The server's shared state and its routes.

use std::sync::Arc;

use axum::Router;
use axum::routing::get;
use gpuwise_core::Variables;
use gpuwise_service::doctor::Machine;

use crate::ServeSettings;
use crate::limits::{self, Limits};
use crate::machine::MachineState;

/// What every request reads: the variables captured at start, this machine's report, the limits.
#[derive(Clone)]
pub(crate) struct App(pub(crate) Arc<Shared>);

/// [`App`]'s contents.
pub(crate) struct Shared {
    /// The variables gpuwise was started with (the user's environment).
    pub(crate) vars: Variables,
    /// This machine (probed in the background) or the recorded one.
    pub(crate) machine: Arc<MachineState>,
    /// Bounds on requests.
    pub(crate) limits: Limits,
    /// The global rate limiter `limits` describe.
    pub(crate) rate: limits::Rate,
    /// True when listening on a loopback address: requests must name this machine.
    pub(crate) loopback: bool,
    /// The path jupyter-server-proxy serves the page under (`/user/alice/proxy/8765`): requests
    /// it forwards from there are answered whatever their Host.
    pub(crate) proxied: Option<String>,
}

impl App {
    /// The state for `settings`, listening on a loopback address or not and served through
    /// jupyter-server-proxy at `proxied` or not; starts the first doctor run in the background.
    pub(crate) fn start(settings: &ServeSettings, vars: Variables, loopback: bool, proxied: Option<String>) -> App {
        // Absolute, so the command the page shows works from any directory.
        let machine = match &settings.system {
            Some(path) => Machine::Recorded(std::path::absolute(path).unwrap_or_else(|_| path.clone())),
            None => Machine::This,
        };
        let state = Arc::new(MachineState::new(machine, settings.pythons.clone()));
        let app = App(Arc::new(Shared {
            vars,
            machine: state,
            limits: settings.limits.clone(),
            rate: limits::Rate::new(&settings.limits),
            loopback,
            proxied,
        }));
        app.0.machine.refresh(app.0.vars.clone());
        app
    }
}

/// Every route, behind the limits.
pub(crate) fn router(app: App) -> Router {
    let routes = Router::new()
        .route("/", get(crate::page::calculator))
        .route("/results", get(crate::page::results_fragment))
        .route("/machine", get(crate::machine::page))
        .route("/api/estimate", get(crate::api::estimate_get).post(crate::api::estimate_post))
        .route("/api/doctor", get(crate::api::doctor))
        .route("/api/gpus", get(crate::api::gpus))
        .route("/style.css", get(crate::assets::style))
        .route("/live.js", get(crate::assets::script))
        .fallback(crate::page::not_found)
        .with_state(app.clone());
    limits::apply(routes, app)
}
