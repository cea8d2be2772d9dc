//! The JSON API: `/api/estimate` (GET with a query, POST with a form or a JSON object) answers
//! with what `gpuwise estimate --json` prints, `/api/doctor` with `gpuwise doctor --json`,
//! `/api/gpus` with `gpuwise estimate --list-gpus --json`. Inputs take the command line's option
//! names; a mistake is a 400 naming the input.

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use crate::app::App;
use crate::form;
use crate::query::Query;
use crate::results::{self, Failure};

/// `GET /api/estimate?op=matmul&shape=4096,4096,4096`.
pub(crate) async fn estimate_get(State(app): State<App>, RawQuery(raw): RawQuery) -> Response {
    estimate(app, Query::parse(raw.as_deref().unwrap_or_default())).await
}

/// `POST /api/estimate` with a form body or a JSON object of the same keys.
pub(crate) async fn estimate_post(State(app): State<App>, headers: HeaderMap, body: Bytes) -> Response {
    let is_json = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().starts_with("application/json"));
    let query = if is_json {
        match json_query(&body) {
            Ok(query) => query,
            Err(message) => return error(StatusCode::BAD_REQUEST, None, &message),
        }
    } else {
        match std::str::from_utf8(&body) {
            Ok(text) => Query::parse(text),
            Err(_) => return error(StatusCode::BAD_REQUEST, None, "the body is not UTF-8 text"),
        }
    };
    estimate(app, query).await
}

async fn estimate(app: App, query: Query) -> Response {
    let calculator = form::read(&query, app.0.machine.for_estimate());
    let vars = app.0.vars.clone();
    let answer = tokio::task::spawn_blocking(move || results::answer(calculator, &vars)).await;
    match answer.map(|answer| answer.result) {
        Ok(Ok(estimated)) => json_response(gpuwise_render::estimate_json(&estimated.estimate, estimated.seed.as_ref())),
        Ok(Err(Failure { input, message })) => error(StatusCode::BAD_REQUEST, input.map(|i| i.name()), &message),
        Err(err) => error(StatusCode::INTERNAL_SERVER_ERROR, None, &format!("the estimate failed: {err}")),
    }
}

/// `GET /api/doctor[?refresh=1]`: this machine's report, the latest or (with `refresh`) a new one.
pub(crate) async fn doctor(State(app): State<App>, RawQuery(raw): RawQuery) -> Response {
    let fresh = Query::parse(raw.as_deref().unwrap_or_default()).flag("refresh");
    match app.0.machine.next(fresh, &app.0.vars).await.as_deref().map(|checked| &checked.report) {
        Some(Ok(report)) => json_response(gpuwise_render::json(report)),
        Some(Err(message)) => error(StatusCode::INTERNAL_SERVER_ERROR, None, message),
        None => error(StatusCode::SERVICE_UNAVAILABLE, None, "the check of this machine did not finish"),
    }
}

/// `GET /api/gpus`: the built-in GPUs, every figure with its source.
pub(crate) async fn gpus() -> Response {
    json_response(gpuwise_render::gpu_list_json(gpuwise_model::gpus()))
}

/// A JSON object's keys and values as query pairs: strings and numbers as written, true and
/// false as a checkbox sends them, lists as repeated keys.
fn json_query(body: &[u8]) -> Result<Query, String> {
    let value: Value = serde_json::from_slice(body).map_err(|err| format!("the body is not JSON: {err}"))?;
    let Value::Object(object) = value else { return Err("the body must be a JSON object of inputs".into()) };
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in &object {
        let values = match value {
            Value::Array(items) => items.iter().collect(),
            other => vec![other],
        };
        for value in values {
            match value {
                Value::Null => {}
                Value::String(text) => drop(out.append_pair(key, text)),
                Value::Number(number) => drop(out.append_pair(key, &number.to_string())),
                Value::Bool(flag) => drop(out.append_pair(key, if *flag { "on" } else { "" })),
                _ => return Err(format!("`{key}` must be a string, a number, true or false, or a list of them")),
            }
        }
    }
    Ok(Query::parse(&out.finish()))
}

/// `text` (already JSON) as the response.
fn json_response(text: String) -> Response {
    ([(CONTENT_TYPE, "application/json")], text).into_response()
}

/// `{"error": {"input": "repeats", "message": "..."}}` with `status`.
pub(crate) fn error(status: StatusCode, input: Option<&str>, message: &str) -> Response {
    let body = json!({ "error": { "input": input, "message": message } });
    (status, [(CONTENT_TYPE, "application/json")], body.to_string()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_object_reads_as_the_form_does() {
        let query =
            json_query(br#"{"op":"matmul","shape":[4096,4096,"2Ki"],"resident":true,"pageable":false,"cpu":null}"#)
                .unwrap();
        assert_eq!(query.all("shape"), vec!["4096", "4096", "2Ki"]);
        assert!(query.flag("resident") && !query.flag("pageable") && query.get("cpu").is_none());
        assert!(json_query(b"[1]").unwrap_err().contains("JSON object"));
        assert!(json_query(br#"{"shape":{"m":1}}"#).unwrap_err().starts_with("`shape` must be"));
        assert!(json_query(b"{").unwrap_err().starts_with("the body is not JSON"));
    }
}
