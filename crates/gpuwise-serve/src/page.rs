//! The page: the calculator (form and answer) and this machine's panel, rendered on the server.

use axum::extract::FromRequestParts;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use gpuwise_model::OpName;
use maud::{DOCTYPE, Markup, html};

use crate::app::App;
use crate::fields;
use crate::form;
use crate::query::Query;
use crate::results::{self, Answer};

/// `GET /`: the whole page for the inputs in the URL (a new page starts from an example).
pub(crate) async fn calculator(State(app): State<App>, base: Base, RawQuery(raw): RawQuery) -> Markup {
    let query = fields::with_defaults(&Query::parse(raw.as_deref().unwrap_or_default()));
    let (query, answer) = compute(&app, query).await;
    let op = query.get("op").and_then(|name| OpName::from_name(name).ok()).unwrap_or(OpName::Matmul);
    let invalid = answer.result.as_ref().err().and_then(|failure| failure.input);
    let machine = match app.0.machine.latest() {
        Some(checked) => crate::machine::panel(&checked, &app.0.machine.describe()),
        None => crate::machine::pending(),
    };
    layout(
        &base,
        "gpuwise — is the GPU worth it?",
        html! {
            section.calculator aria-labelledby="calculator-h" {
                h2 #calculator-h { "Is the GPU worth it for this work?" }
                div.columns {
                    div.inputs { (fields::form(&query, op, invalid)) }
                    div.answer { (results::section(&answer, &query, app.0.machine.recorded())) }
                }
            }
            section #machine aria-labelledby="machine-h" {
                h2 #machine-h { "This machine" }
                div #machine-panel { (machine) }
            }
        },
    )
}

/// `GET /results`: the answer alone, for the script to put in place as inputs change.
pub(crate) async fn results_fragment(State(app): State<App>, RawQuery(raw): RawQuery) -> Markup {
    let query = fields::with_defaults(&Query::parse(raw.as_deref().unwrap_or_default()));
    let (query, answer) = compute(&app, query).await;
    results::section(&answer, &query, app.0.machine.recorded())
}

/// The GPU a page shows when the user named none and this machine has none to offer.
const EXAMPLE_GPU: &str = "h100-sxm";

/// The answer for `query`, and the query it answers: when the user named no GPU and this
/// machine's cannot be used (none is visible, or it is not in the table), the example GPU,
/// with a note saying so, rather than an error on a page nobody has touched yet.
async fn compute(app: &App, query: Query) -> (Query, Answer) {
    let answer = estimate(app, &query).await;
    let why = match &answer.result {
        Err(failure) if failure.input == Some(gpuwise_model::Input::Gpu) && query.get("gpu").is_none() => {
            failure.message.clone()
        }
        _ => return (query, answer),
    };
    let example = Query::parse(&format!("{}&gpu={EXAMPLE_GPU}", query.encode()));
    let mut instead = estimate(app, &example).await;
    if instead.result.is_err() {
        return (query, answer);
    }
    let name = gpuwise_model::gpu(EXAMPLE_GPU).map(|gpu| gpu.display.clone()).unwrap_or_default();
    instead
        .warnings
        .push(format!("This machine's GPU cannot be used ({why}); showing the {name}: choose your GPU above."));
    (example, instead)
}

/// The answer for `query`, computed off the server's request threads.
async fn estimate(app: &App, query: &Query) -> Answer {
    let calculator = form::read(query, app.0.machine.for_estimate());
    let vars = app.0.vars.clone();
    tokio::task::spawn_blocking(move || results::answer(calculator, &vars)).await.unwrap_or_else(|err| Answer {
        result: Err(results::Failure { input: None, message: format!("the estimate failed: {err}") }),
        compared: Vec::new(),
        warnings: Vec::new(),
    })
}

/// Any other address.
pub(crate) async fn not_found(base: Base) -> (StatusCode, Markup) {
    (
        StatusCode::NOT_FOUND,
        layout(
            &base,
            "Not found — gpuwise",
            html! { p { "Nothing here. " a href="./" { "The calculator" } " is at the start." } },
        ),
    )
}

/// Where the page's relative links start when jupyter-server-proxy forwarded the request: its
/// path there (`/user/alice/proxy/8765/`), so they work even when the address lacks its final
/// `/`. Nothing otherwise: the page's own address is the base.
pub(crate) struct Base(Option<String>);

impl FromRequestParts<App> for Base {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Base, Self::Rejection> {
        let forwarded = parts.headers.get("x-forwarded-context").and_then(|v| v.to_str().ok());
        let proxied = app.0.proxied.as_deref().filter(|context| forwarded == Some(*context));
        Ok(Base(proxied.map(|context| format!("{}/", context.trim_end_matches('/')))))
    }
}

/// The page around `main`.
pub(crate) fn layout(base: &Base, title: &str, main: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                @if let Some(base) = &base.0 { base href=(base); }
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="color-scheme" content="light dark";
                title { (title) }
                link rel="stylesheet" href="style.css";
                script src="live.js" defer {}
            }
            body {
                a.skip href="#results" { "Skip to the answer" }
                header {
                    h1 { "gpuwise" }
                    p { "Will my code run on the GPU, why not, and is it worth it?" }
                }
                main { (main) }
                footer {
                    p { "gpuwise " (env!("CARGO_PKG_VERSION")) " · "
                        a href="api/estimate?op=matmul&shape=4096,4096,4096" { "/api/estimate" } " · "
                        a href="api/doctor" { "/api/doctor" } " · " a href="api/gpus" { "/api/gpus" } }
                }
            }
        }
    }
}
