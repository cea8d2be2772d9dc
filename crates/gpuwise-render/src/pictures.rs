//! Every chart case drawn as a picture: each SVG rasterised with resvg and the machine's fonts to
//! `target/pictures/NAME.png` (to look at), and checked to render and not to be blank; where the
//! machine has fonts, also that its text was drawn. A machine without fonts still renders (and
//! says so) rather than failing.

use std::path::PathBuf;
use std::sync::Arc;

use resvg::tiny_skia::Pixmap;
use resvg::usvg::{self, Group, Node, fontdb};

use crate::chart_cases::{bench_runs, estimates};
use crate::{ChartFormat, bench_svg, chart, svg};

/// The system's fonts, with `sans-serif` (what the charts ask for) resolved to one that is there.
fn fonts() -> Arc<fontdb::Database> {
    let mut fonts = fontdb::Database::new();
    fonts.load_system_fonts();
    let families: Vec<String> =
        fonts.faces().flat_map(|face| face.families.iter().map(|(name, _)| name.clone())).collect();
    let preferred = ["DejaVu Sans", "Liberation Sans", "Arial", "Helvetica", "Noto Sans"];
    let sans = preferred.iter().map(|s| s.to_string()).find(|name| families.contains(name));
    if let Some(family) = sans.or_else(|| families.first().cloned()) {
        fonts.set_sans_serif_family(family);
    }
    Arc::new(fonts)
}

/// Where the pictures go: `pictures/` in the target directory this test was built in.
fn pictures() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary's path");
    // target/<profile>/deps/<binary>
    let target = exe.ancestors().nth(3).expect("the test binary lies in the target directory");
    let dir = target.join("pictures");
    std::fs::create_dir_all(&dir).expect("target/pictures can be created");
    dir
}

/// Text elements drawn as glyphs, and text elements in all.
fn text_drawn(group: &Group) -> (usize, usize) {
    group.children().iter().fold((0, 0), |(drawn, all), node| {
        let (d, a) = match node {
            Node::Group(inner) => text_drawn(inner),
            Node::Text(text) => (usize::from(!text.flattened().children().is_empty()), 1),
            _ => (0, 0),
        };
        (drawn + d, all + a)
    })
}

/// Rasterises `svg` to `NAME.png`, checking that it rendered, is not blank, and (with fonts)
/// carries its text.
fn picture(name: &str, svg: &str, fonts: &Arc<fontdb::Database>) {
    let options = usvg::Options { fontdb: Arc::clone(fonts), ..usvg::Options::default() };
    let tree = usvg::Tree::from_str(svg, &options).unwrap_or_else(|err| panic!("{name}: the SVG parses: {err}"));
    let size = tree.size().to_int_size();
    let mut pixmap = Pixmap::new(size.width(), size.height()).expect("a chart has a size");
    pixmap.fill(resvg::tiny_skia::Color::WHITE);
    resvg::render(&tree, resvg::tiny_skia::Transform::default(), &mut pixmap.as_mut());
    let inked = pixmap.pixels().iter().filter(|p| p.red() < 200 || p.green() < 200 || p.blue() < 200).count();
    let share = inked as f64 / pixmap.pixels().len() as f64;
    assert!((0.01..0.5).contains(&share), "{name}: {:.1}% of the picture is drawn", share * 100.0);
    if fonts.is_empty() {
        eprintln!("{name}: no fonts on this machine, so the picture has no text (apt-get install fonts-dejavu-core)");
    } else {
        let (drawn, all) = text_drawn(tree.root());
        assert!(all > 5 && drawn == all, "{name}: {drawn} of {all} texts drawn");
    }
    let path = pictures().join(format!("{name}.png"));
    pixmap.save_png(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
}

#[test]
fn every_estimate_chart_renders_as_a_picture() {
    let fonts = fonts();
    for (name, estimate) in estimates() {
        picture(name, &svg(&estimate).unwrap_or_else(|err| panic!("{name}: {err}")), &fonts);
    }
    let (_, first) = &estimates()[0];
    let page = chart(first, ChartFormat::Html).expect("the HTML page");
    let inner = &page[page.find("<svg").expect("the page holds the SVG")..page.find("</svg>").expect("whole") + 6];
    picture("estimate-html-page", inner, &fonts);
}

#[test]
fn every_bench_chart_renders_as_a_picture() {
    let fonts = fonts();
    for (name, run) in bench_runs() {
        picture(name, &bench_svg(&run).unwrap_or_else(|err| panic!("{name}: {err}")), &fonts);
    }
}
