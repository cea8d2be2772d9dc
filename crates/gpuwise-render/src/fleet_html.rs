//! The fleet's HTML views: a whole page for `--html FILE` (self-contained: no scripts, no
//! network assets; light and dark colours from `prefers-color-scheme`; on a phone each row of
//! the nodes table becomes a card of labelled lines, and on a screen too narrow for the table it
//! scrolls sideways with the node list held in place) and the same body as a fragment for a
//! notebook's `_repr_html_` (inline styles only: notebooks strip style sheets). Both are
//! well-formed XML, so tests parse them.

use std::fmt::Write as _;

use gpuwise_core::Severity;
use gpuwise_core::fleet::{FleetFinding, FleetReport};

use crate::fleet::{GroupRow, byline, counts, group_rows, headline, silent, split_findings, why};
use crate::html::escape;

/// The page's colours, `(name, light, dark)`: the background, text (every one keeps WCAG AA
/// contrast, 4.5:1, on the background of its scheme), rules and the table's header.
const PALETTE: [(&str, &str, &str); 9] = [
    ("bg", "#ffffff", "#15171a"),
    ("fg", "#1d1f23", "#e4e6ea"),
    ("dim", "#5b616b", "#a3aab4"),
    ("good", "#1b7f3b", "#5fd38a"),
    ("bad", "#b00020", "#ff8a94"),
    ("warn", "#8a5300", "#f0b454"),
    ("info", "#1f5fa8", "#7cb8ff"),
    ("line", "#d5d9de", "#3a4048"),
    ("head", "#f2f4f6", "#1f2328"),
];

/// The page's style sheet.
fn style_sheet() -> String {
    let vars = |dark: bool| -> String {
        PALETTE.iter().map(|(name, light, night)| format!("--{name}:{};", if dark { night } else { light })).collect()
    };
    format!(
        ":root{{color-scheme:light dark;{}}}\n\
@media (prefers-color-scheme:dark){{:root{{{}}}}}\n\
body{{margin:0 auto;max-width:1200px;padding:16px;background:var(--bg);color:var(--fg);\
font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}}\n\
h1{{font-size:1.3rem;margin:0 0 2px}}\n\
h2{{font-size:1.1rem;margin:24px 0 8px}}\n\
h3{{font-size:1rem;margin:16px 0 6px}}\n\
code{{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.92em;overflow-wrap:anywhere}}\n\
.scroll{{overflow-x:auto}}\n\
table{{border-collapse:collapse}}\n\
th,td{{text-align:left;vertical-align:top;padding:4px 8px;border-bottom:1px solid var(--line)}}\n\
thead th{{background:var(--head);white-space:nowrap}}\n\
tbody th{{position:sticky;left:0;background:var(--bg);font-weight:600}}\n\
td.n{{text-align:right}}\n\
td.n,.k,tbody th{{white-space:nowrap}}\n\
th code{{overflow-wrap:normal}}\n\
ul{{padding-left:1.2em;margin:4px 0}}\n\
li{{margin:0 0 10px}}\n\
.dim{{color:var(--dim)}}.good{{color:var(--good)}}.bad{{color:var(--bad)}}\
.warn{{color:var(--warn)}}.info{{color:var(--info)}}\n\
.sev{{font-weight:600}}\n\
@media (max-width:720px){{body{{padding:10px;font-size:14px}}\
table.nodes,.nodes tbody,.nodes tr,.nodes th,.nodes td{{display:block}}\
.nodes thead{{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}}\
.nodes tr{{border:1px solid var(--line);border-radius:6px;margin:0 0 10px;padding:4px 0}}\
.nodes th,.nodes td{{border:0;padding:2px 10px;text-align:left;white-space:normal}}\
.nodes th code{{overflow-wrap:anywhere}}\
.nodes tbody th{{position:static;font-size:1.05em}}\
.nodes td:empty{{display:none}}\
.nodes td::before{{content:attr(data-label) \": \";color:var(--dim)}}}}\n",
        vars(false),
        vars(true)
    )
}

/// Where the HTML goes: a page with its style sheet, or a notebook that keeps inline styles only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Page,
    Fragment,
}

/// What a piece of text is, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Look {
    Good,
    Bad,
    Dim,
}

/// How a table cell sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sit {
    /// Left-aligned, wrapped between words.
    Text,
    /// Right-aligned on one line.
    Number,
    /// Left-aligned on one line (GPU names, a version pair).
    Whole,
}

/// A table cell's style in a notebook.
const CELL: &str = " style=\"text-align:left;vertical-align:top;padding:2px 10px\"";
/// A number's cell in a notebook.
const NUMBER: &str = " style=\"text-align:right;vertical-align:top;padding:2px 10px;white-space:nowrap\"";
/// A cell kept on one line in a notebook.
const WHOLE: &str = " style=\"text-align:left;vertical-align:top;padding:2px 10px;white-space:nowrap\"";

impl Mode {
    /// The attribute that gives `look`: a class on the page, a style in a notebook (the colours
    /// doctor's notebook view uses).
    fn attr(self, look: Look) -> &'static str {
        match (self, look) {
            (Mode::Page, Look::Good) => " class=\"good\"",
            (Mode::Page, Look::Bad) => " class=\"bad\"",
            (Mode::Page, Look::Dim) => " class=\"dim\"",
            (Mode::Fragment, Look::Good) => " style=\"color:#1b7f3b\"",
            (Mode::Fragment, Look::Bad) => " style=\"color:#b00020\"",
            (Mode::Fragment, Look::Dim) => " style=\"color:#666\"",
        }
    }

    /// The attribute of a finding's severity and code: bold, in the severity's colour.
    fn severity(self, severity: Severity) -> &'static str {
        match (self, severity) {
            (Mode::Page, Severity::Error) => " class=\"bad sev\"",
            (Mode::Page, Severity::Warning) => " class=\"warn sev\"",
            (Mode::Page, Severity::Info) => " class=\"info sev\"",
            (Mode::Fragment, Severity::Error) => " style=\"color:#b00020;font-weight:600\"",
            (Mode::Fragment, Severity::Warning) => " style=\"color:#b26a00;font-weight:600\"",
            (Mode::Fragment, Severity::Info) => " style=\"color:#1f5fa8;font-weight:600\"",
        }
    }

    /// A section heading (`sub`: one within a section).
    fn heading(self, text: &str, sub: bool) -> String {
        match (self, sub) {
            (Mode::Page, false) => format!("<h2>{text}</h2>"),
            (Mode::Page, true) => format!("<h3>{text}</h3>"),
            (Mode::Fragment, false) => format!("<div style=\"font-weight:600;margin:12px 0 4px\">{text}</div>"),
            (Mode::Fragment, true) => format!("<div style=\"font-weight:600;margin:8px 0 2px\">{text}</div>"),
        }
    }

    /// A table cell's attribute: on the page a class (the style sheet has the rest), in a
    /// notebook its style.
    fn cell(self, sit: Sit) -> &'static str {
        match (self, sit) {
            (Mode::Page, Sit::Text) => "",
            (Mode::Page, Sit::Number) => " class=\"n\"",
            (Mode::Page, Sit::Whole) => " class=\"k\"",
            (Mode::Fragment, Sit::Text) => CELL,
            (Mode::Fragment, Sit::Number) => NUMBER,
            (Mode::Fragment, Sit::Whole) => WHOLE,
        }
    }
}

/// The fleet report as a standalone HTML page (`gpuwise fleet --html FILE`).
pub fn fleet_html(report: &FleetReport) -> String {
    let title = format!("gpuwise fleet: {}", headline(report).text);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n\
<meta name=\"color-scheme\" content=\"light dark\"/>\n<title>{}</title>\n<style>\n{}</style>\n</head>\n\
<body>\n<main>\n{}</main>\n</body>\n</html>\n",
        escape(&title),
        style_sheet(),
        body(report, Mode::Page)
    )
}

/// The fleet report as an HTML fragment for a notebook's `_repr_html_`.
pub fn fleet_html_fragment(report: &FleetReport) -> String {
    format!("<div>\n{}</div>\n", body(report, Mode::Fragment))
}

/// The views' shared body: the answer, the nodes, the differences, the findings.
fn body(report: &FleetReport, mode: Mode) -> String {
    let mut out = String::new();
    let head = headline(report);
    let (look, mark) = if head.ok { (Look::Good, "&#10003;") } else { (Look::Bad, "&#10007;") };
    let _ = match mode {
        Mode::Page => writeln!(out, "<h1{}>{mark} {}</h1>", mode.attr(look), escape(&head.text)),
        Mode::Fragment => writeln!(
            out,
            "<div style=\"font-weight:600;color:{};margin:4px 0\">{mark} {}</div>",
            if head.ok { "#1b7f3b" } else { "#b00020" },
            escape(&head.text)
        ),
    };
    let _ = writeln!(out, "<p{}>{}</p>", mode.attr(Look::Dim), escape(&byline(report)));

    let _ = writeln!(out, "{}", mode.heading("Nodes", false));
    let rows = group_rows(report);
    if rows.is_empty() {
        let _ = writeln!(out, "<p>No node answered.</p>");
    } else {
        out.push_str(&nodes_table(&rows, mode));
    }
    let silent: Vec<(&str, &str)> = silent(report).collect();
    if !silent.is_empty() {
        let _ = writeln!(out, "{}", mode.heading("Did not answer", true));
        out.push_str("<ul>\n");
        for (name, error) in silent {
            let _ = writeln!(out, "<li><code>{}</code>: {}</li>", escape(name), prose(error));
        }
        out.push_str("</ul>\n");
    }

    let (differences, others) = split_findings(report);
    let _ = writeln!(out, "{}", mode.heading("Differences that matter", false));
    findings_list(&mut out, &differences, mode, true);
    let _ = writeln!(
        out,
        "{}",
        mode.heading(&format!("Findings <span{}>{}</span>", mode.attr(Look::Dim), counts(&others)), false)
    );
    findings_list(&mut out, &others, mode, false);
    out
}

/// `text` escaped, its `backquoted` commands set as code.
fn prose(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // An unpaired backquote: no code spans, the text as written.
        return escape(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| if i % 2 == 1 { format!("<code>{}</code>", escape(part)) } else { escape(part) })
        .collect()
}

/// The groups' table: the node list heads each row.
fn nodes_table(rows: &[GroupRow], mode: Mode) -> String {
    let mig = rows.iter().any(|r| !r.mig.is_empty());
    let envs = rows.iter().any(|r| !r.environments.is_empty());
    // Each column: its header, how its cells sit, and a cell's HTML.
    type Cell = fn(&GroupRow, Mode) -> String;
    let mut columns: Vec<(&str, Sit, Cell)> = vec![
        ("Count", Sit::Number, |r, _| r.count.to_string()),
        ("GPUs", Sit::Whole, |r, _| escape(&r.gpus)),
        ("Driver / CUDA", Sit::Whole, |r, _| escape(&r.driver)),
        ("Visible / usable", Sit::Number, |r, _| escape(&r.usable)),
    ];
    if mig {
        columns.push(("MIG", Sit::Text, |r, _| r.mig.iter().map(|m| escape(m)).collect::<Vec<_>>().join("<br/>")));
    }
    if envs {
        columns.push(("Frameworks", Sit::Text, frameworks_cell));
    }
    // On the page, ARIA roles keep the table a table to screen readers when a narrow screen
    // lays each row out as a card.
    let role = |name: &str| if mode == Mode::Page { format!(" role=\"{name}\"") } else { String::new() };
    let mut out = match mode {
        Mode::Page => format!(
            "<div class=\"scroll\" role=\"region\" aria-label=\"Nodes\" tabindex=\"0\">\n<table class=\"nodes\"{}>\n",
            role("table")
        ),
        Mode::Fragment => "<table>\n".to_string(),
    };
    let th = |scope: &str, role_name: &str, text: &str| {
        format!("<th scope=\"{scope}\"{}{}>{text}</th>", role(role_name), mode.cell(Sit::Text))
    };
    let head: String = std::iter::once("Nodes")
        .chain(columns.iter().map(|(header, ..)| *header))
        .map(|header| th("col", "columnheader", &escape(header)))
        .collect();
    let _ =
        writeln!(out, "<thead{}><tr{}>{head}</tr></thead>\n<tbody{}>", role("rowgroup"), role("row"), role("rowgroup"));
    for row in rows {
        let _ = write!(
            out,
            "<tr{}>{}",
            role("row"),
            th("row", "rowheader", &format!("<code>{}</code>", escape(&row.hostlist)))
        );
        for (header, sit, cell) in &columns {
            let label = match mode {
                Mode::Page => format!(" data-label=\"{}\"", escape(header)),
                Mode::Fragment => String::new(),
            };
            let _ = write!(out, "<td{}{label}{}>{}</td>", role("cell"), mode.cell(*sit), cell(row, mode));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody>\n</table>\n");
    if mode == Mode::Page {
        out.push_str("</div>\n");
    }
    out
}

/// Each environment, then each framework and where it runs (green on a GPU, red elsewhere).
fn frameworks_cell(row: &GroupRow, mode: Mode) -> String {
    let environments = row.environments.iter().map(|env| {
        let mut cell = format!("<code{}>{}</code>", mode.attr(Look::Dim), escape(&env.name));
        if env.frameworks.is_empty() {
            cell.push_str("<br/>no GPU framework");
        }
        for framework in &env.frameworks {
            let look = if framework.gpu { Look::Good } else { Look::Bad };
            let keep = match mode {
                Mode::Page => " class=\"k\"",
                Mode::Fragment => " style=\"white-space:nowrap\"",
            };
            let _ = write!(
                cell,
                "<br/><span{keep}>{}: <span{}>{}</span></span>",
                escape(&framework.label),
                mode.attr(look),
                escape(&framework.runs)
            );
        }
        cell
    });
    environments.collect::<Vec<_>>().join("<br/>")
}

/// Findings as a list: severity and code in its colour, heading, this instance's line, the
/// nodes (a node's finding) or the evidence (a fleet rule's), the fix.
fn findings_list(out: &mut String, findings: &[&FleetFinding], mode: Mode, fleet: bool) {
    if findings.is_empty() {
        let _ = writeln!(out, "<p>None.</p>");
        return;
    }
    out.push_str("<ul>\n");
    for f in findings {
        let finding = &f.finding;
        let (heading, here) = finding.heading();
        let _ = write!(
            out,
            "<li><span{}>{} {}</span> <b>{}</b>",
            mode.severity(finding.severity),
            escape(&finding.code),
            finding.severity.as_str(),
            prose(heading)
        );
        if let Some(here) = here {
            let _ = write!(out, "<br/>{}", prose(here));
        }
        if fleet {
            if let Some(why) = why(finding) {
                let _ = write!(out, "<br/><span{}>{}</span>", mode.attr(Look::Dim), prose(why));
            }
        } else {
            let _ = write!(out, "<br/><span{}>on</span> <code>{}</code>", mode.attr(Look::Dim), escape(&f.hostlist));
        }
        let _ = writeln!(out, "<br/><b>Fix:</b> {}</li>", prose(&finding.fix));
    }
    out.push_str("</ul>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::sample;
    use gpuwise_core::fleet::NodeAnswer;
    use proptest::prelude::*;

    /// Every text node of `xml`, in order, joined.
    fn text(xml: &str) -> String {
        let doc = roxmltree::Document::parse(xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
        doc.descendants().filter(|n| n.is_text()).filter_map(|n| n.text()).collect()
    }

    /// The page's `<main>`, or the whole fragment.
    fn body_of(html: &str) -> &str {
        match (html.find("<main>"), html.find("</main>")) {
            (Some(start), Some(end)) => &html[start..end + "</main>".len()],
            _ => html,
        }
    }

    /// The names of every element of `xml`.
    fn elements(xml: &str) -> Vec<String> {
        let doc = roxmltree::Document::parse_with_options(
            xml,
            roxmltree::ParsingOptions { allow_dtd: true, ..roxmltree::ParsingOptions::default() },
        )
        .unwrap_or_else(|e| panic!("{e}\n{xml}"));
        doc.descendants().filter(|n| n.is_element()).map(|n| n.tag_name().name().to_string()).collect()
    }

    #[test]
    fn notebook_view_of_the_sample_fleet() {
        let html = fleet_html_fragment(&sample::report());
        assert!(!html.contains("class=") && !html.contains("<style"), "inline styles only");
        insta::assert_snapshot!(html);
    }

    #[test]
    fn the_page_stands_alone_in_light_and_dark() {
        let report = sample::report();
        let page = fleet_html(&report);
        assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"), "{page}");
        assert!(page.contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"));
        assert!(page.contains("@media (prefers-color-scheme:dark)"));
        // Nothing loads from elsewhere (the fixes' commands may name an index URL, as text).
        for remote in [" src=", " href=", "<script", "<link", "<img", "@import", "url("] {
            assert!(!page.contains(remote), "{remote} in the page");
        }
        let names = elements(&page);
        assert!(names.iter().filter(|n| *n == "table").count() == 1 && names.contains(&"main".to_string()));
        // Its body is the notebook's, classes for inline styles.
        let words = |xml: &str| text(xml).split_whitespace().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(words(&fleet_html_fragment(&report)), words(body_of(&page)));
        // Every header cell says what it heads.
        assert_eq!(page.matches("<th scope=\"col\"").count(), 7);
        assert_eq!(page.matches("<th scope=\"row\"").count(), report.groups.len());
    }

    /// WCAG's relative luminance of `#rrggbb`.
    fn luminance(hex: &str) -> f64 {
        let channel = |i: usize| {
            let c = f64::from(u8::from_str_radix(&hex[1 + 2 * i..3 + 2 * i], 16).unwrap()) / 255.0;
            if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
        };
        0.2126 * channel(0) + 0.7152 * channel(1) + 0.0722 * channel(2)
    }

    #[test]
    fn every_text_colour_reads_on_its_background_in_both_schemes() {
        let (_, light_bg, dark_bg) = PALETTE[0];
        for (name, light, dark) in PALETTE.iter().filter(|(name, ..)| !["bg", "line", "head"].contains(name)) {
            for (colour, bg) in [(light, light_bg), (dark, dark_bg)] {
                let (a, b) = (luminance(colour), luminance(bg));
                let contrast = (a.max(b) + 0.05) / (a.min(b) + 0.05);
                assert!(contrast >= 4.5, "{name} {colour} on {bg}: {contrast:.2}:1");
            }
        }
    }

    /// The sample fleet with one more node, `name`, down with `error`, and a finding whose
    /// title, fix and detail are `error` too.
    fn with_node(name: &str, error: &str) -> FleetReport {
        let mut answers = sample::answers();
        answers.push(NodeAnswer { name: name.into(), report: Err(error.into()) });
        let mut report = sample::fleet(answers);
        let finding = &mut report.findings.last_mut().unwrap().finding;
        (finding.title, finding.detail, finding.fix) = (error.into(), error.into(), error.into());
        report
    }

    #[test]
    fn commands_in_backquotes_are_set_as_code() {
        assert_eq!(
            prose("run `nvidia-smi -pm 1` & `a<b`"),
            "run <code>nvidia-smi -pm 1</code> &amp; <code>a&lt;b</code>"
        );
        assert_eq!(prose("it's `odd"), "it&#x27;s `odd");
    }

    #[test]
    fn a_script_in_a_node_name_stays_text() {
        let report = with_node("<script>alert(1)</script>", "<img src=x onerror=alert(1)> & 'so' \"on\"");
        for html in [fleet_html(&report), fleet_html_fragment(&report)] {
            assert!(!html.contains("<script") && !html.contains("<img"), "{html}");
            assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
            assert!(html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &#x27;so&#x27; &quot;on&quot;"));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Whatever a node's name and a finding's words are, both views stay well-formed, add
        /// no element, and show the words as written.
        #[test]
        fn names_and_titles_are_escaped(name in "[a-z<>&\"'/ =]{1,16}", words in "[a-z<>&\"'/ =;#]{1,24}") {
            let plain = with_node("nodex", "down");
            let report = with_node(&name, &words);
            for (view, html) in [("page", fleet_html(&report)), ("fragment", fleet_html_fragment(&report))] {
                let before = match view {
                    "page" => elements(&fleet_html(&plain)),
                    _ => elements(&fleet_html_fragment(&plain)),
                };
                prop_assert_eq!(elements(&html), before, "{}", view);
                let shown = text(body_of(&html));
                prop_assert!(shown.contains(&name), "{} not shown in the {}", name, view);
                prop_assert!(shown.contains(&words), "{} not shown in the {}", words, view);
            }
        }
    }
}
