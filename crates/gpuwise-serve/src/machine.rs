//! This machine, as the page shows it: doctor's report, run in the background at start and again
//! on request, and the system it probed, which estimate's "this machine" reuses.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

use axum::extract::{RawQuery, State};
use gpuwise_core::{Report, Severity, System, Variables};
use gpuwise_service::Host;
use gpuwise_service::doctor::{self, Machine, Scope};
use maud::{Markup, html};
use tokio::sync::watch;

use crate::app::App;
use crate::page::Base;
use crate::query::Query;

/// How long a request waits for a check of this machine.
const CHECK_LIMIT: Duration = Duration::from_secs(120);

/// One doctor run.
pub(crate) struct Checked {
    /// The report, or why there is none (a recorded system that cannot be read).
    pub(crate) report: Result<Report, String>,
    /// The system it describes, for estimate's "this machine".
    pub(crate) system: Option<Arc<System>>,
    /// When it finished.
    pub(crate) at: SystemTime,
    /// How long it took.
    pub(crate) took: Duration,
}

/// The machine the page describes and its latest doctor run.
pub(crate) struct MachineState {
    machine: Machine,
    pythons: Vec<PathBuf>,
    latest: watch::Sender<Option<Arc<Checked>>>,
    running: AtomicBool,
}

impl MachineState {
    /// `machine` (this one or a recorded one), with `pythons` judged besides python3 on PATH.
    pub(crate) fn new(machine: Machine, pythons: Vec<PathBuf>) -> MachineState {
        MachineState { machine, pythons, latest: watch::Sender::new(None), running: AtomicBool::new(false) }
    }

    /// The latest run, if one finished.
    pub(crate) fn latest(&self) -> Option<Arc<Checked>> {
        self.latest.borrow().clone()
    }

    /// The machine estimate's `auto` refers to: the system the latest run probed (or read), so a
    /// request does not probe again; before the first run ends, the request probes (or reads) it.
    pub(crate) fn for_estimate(&self) -> Machine {
        match self.latest().and_then(|checked| checked.system.clone()) {
            Some(system) => Machine::Probed(system),
            None => self.machine.clone(),
        }
    }

    /// Starts a doctor run in the background unless one is under way.
    pub(crate) fn refresh(self: &Arc<Self>, vars: Variables) {
        if self.running.swap(true, Ordering::SeqCst) {
            return;
        }
        let state = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let started = Instant::now();
            let checked =
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| state.check(&vars))).unwrap_or_else(|_| {
                    Checked {
                        report: Err("the check of this machine failed; run `gpuwise doctor` to see why".into()),
                        system: None,
                        at: SystemTime::now(),
                        took: started.elapsed(),
                    }
                });
            // Marked done before it is announced: whoever hears of it and asks again starts a
            // new run rather than waiting on this one.
            state.running.store(false, Ordering::SeqCst);
            state.latest.send_replace(Some(Arc::new(checked)));
        });
    }

    /// Runs doctor as `gpuwise doctor` does, in this process (which never changes its own
    /// environment: the CUDA driver sees what the variables gpuwise started with leave it), or
    /// reads the recorded system.
    fn check(&self, vars: &Variables) -> Checked {
        let started = Instant::now();
        let scope = Scope { current: true, pythons: self.pythons.clone(), kernels: true };
        let (report, system) = match self.machine.system(vars, Host::EMBEDDED) {
            Ok(system) => (Ok(doctor::report(system.clone(), vars, &scope)), Some(Arc::new(system))),
            Err(err) => (Err(err.to_string()), None),
        };
        Checked { report, system, at: SystemTime::now(), took: started.elapsed() }
    }

    /// The latest finished run, waiting for the first; with `fresh`, a run started now (or the
    /// one under way), listened for before it starts so its end cannot be missed.
    pub(crate) async fn next(self: &Arc<Self>, fresh: bool, vars: &Variables) -> Option<Arc<Checked>> {
        let mut receiver = self.latest.subscribe();
        if fresh {
            self.refresh(vars.clone());
        } else if let Some(checked) = receiver.borrow_and_update().clone() {
            return Some(checked);
        }
        // A check that hangs (a hung driver) must not hold the request forever.
        tokio::time::timeout(CHECK_LIMIT, receiver.changed()).await.ok()?.ok()?;
        receiver.borrow().clone()
    }

    /// The recorded system the page describes, when it is one (`--system FILE`).
    pub(crate) fn recorded(&self) -> Option<&std::path::Path> {
        match &self.machine {
            Machine::Recorded(path) => Some(path),
            _ => None,
        }
    }

    /// How the page names the machine.
    pub(crate) fn describe(&self) -> String {
        self.machine.describe()
    }
}

/// `GET /machine[?refresh=1][&fragment=1]`: the panel, once the latest (or, with `refresh`, a
/// new) run ends; as a page of its own unless the script asks for the fragment.
pub(crate) async fn page(State(app): State<App>, base: Base, RawQuery(raw): RawQuery) -> Markup {
    let query = Query::parse(raw.as_deref().unwrap_or_default());
    let contents = match app.0.machine.next(query.flag("refresh"), &app.0.vars).await {
        Some(checked) => panel(&checked, &app.0.machine.describe()),
        None => {
            html! { p role="alert" { "The check of this machine did not finish within two minutes: run `gpuwise doctor` to see where it stops." } }
        }
    };
    if query.flag("fragment") {
        return contents;
    }
    crate::page::layout(
        &base,
        "This machine — gpuwise",
        html! {
            p { a href="./" { "← The calculator" } }
            section #machine aria-labelledby="machine-h" { h2 #machine-h { "This machine" } div #machine-panel { (contents) } }
        },
    )
}

/// The panel's contents while the first run is under way: the script loads the real one.
pub(crate) fn pending() -> Markup {
    html! {
        p.pending data-load="machine" aria-busy="true" {
            "Checking this machine (GPUs, driver, Python environments, kernels)… "
            a href="?" { "reload" } " if this stays."
        }
    }
}

/// Doctor's answer: the headline, the machine's facts, its GPUs, each environment's
/// frameworks, and every finding with its cause and fix.
pub(crate) fn panel(checked: &Checked, source: &str) -> Markup {
    let report = match &checked.report {
        Ok(report) => report,
        Err(err) => return html! { p.bad role="alert" { "Cannot describe " (source) ": " (err) } },
    };
    let headline = gpuwise_render::headline(report);
    let seconds = checked.took.as_secs_f64();
    let age = checked.at.elapsed().unwrap_or_default().as_secs();
    html! {
        p.verdict.(if headline.ok { "good" } else { "bad" }) {
            (if headline.ok { "✓ " } else { "✗ " }) (headline.text)
        }
        p.note {
            "Checked " (source) " in " (format!("{seconds:.1}")) " s, " (age) " s ago. "
            a href="machine?refresh=1" data-action="refresh-machine" { "Check again" }
            " · " a href="api/doctor" { "JSON" }
        }
        dl.facts {
            @for (label, value) in gpuwise_render::facts(report) {
                dt { (label) } dd { (value) }
            }
        }
        @if !report.system.devices.is_empty() {
            table.devices {
                caption { "GPUs" }
                thead { tr { th scope="col" { "#" } th scope="col" { "Name" } th scope="col" { "Memory" }
                    th scope="col" { "PCIe" } th scope="col" { "CUDA sees it as" } } }
                tbody {
                    @for device in &report.system.devices {
                        tr {
                            td { (device.index) } td { (device.name) }
                            td { (gpuwise_render::memory_cell(device)) } td { (gpuwise_render::pcie_cell(device)) }
                            td { (gpuwise_render::cuda_cell(report, device)) }
                        }
                    }
                }
            }
        }
        @let lines = gpuwise_render::framework_lines(report);
        @if !lines.is_empty() {
            h3 { "Frameworks" }
            ul.frameworks {
                @for line in &lines {
                    li.(if line.ok { "good" } else { "bad" }) {
                        (if line.ok { "✓ " } else { "✗ " }) (line.text)
                        @if let Some(fix) = &line.fix { br; span.fix { "Fix: " code { (fix) } } }
                    }
                }
            }
        }
        @if !report.findings.is_empty() {
            h3 { "Findings" }
            ul.findings {
                @for finding in &report.findings {
                    li.(severity_class(finding.severity)) {
                        span.code { (finding.code) " " (finding.severity.as_str()) }
                        " " strong { (finding.headline()) }
                        @if !finding.detail.is_empty() { br; span.detail { (finding.detail) } }
                        @if !finding.fix.is_empty() { br; span.fix { "Fix: " code { (finding.fix) } } }
                    }
                }
            }
        } @else {
            p { "No problems found." }
        }
    }
}

/// The CSS class a severity is drawn with.
fn severity_class(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "bad",
        Severity::Warning => "warn",
        Severity::Info => "info",
    }
}
