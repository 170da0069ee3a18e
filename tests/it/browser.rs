//! The HTML report and the Markdown summary (converted as a tracker would)
//! laid out by a real browser at a ticket's width, 760 pixels: nothing may
//! overflow sideways, neither the page nor any table in it (a table that
//! scrolls hides its last columns).

use crate::cli::{skip_when_absent, tool};
use crate::util::*;

const WIDTH: u32 = 760;

/// Measures after layout and writes the result into the page, where
/// `--dump-dom` shows it. Only in this wrapper, never in a report.
const PROBE: &str = r#"<script>
const d = document.documentElement;
const wide = [...document.querySelectorAll('table, pre')]
  .filter(t => t.scrollWidth > t.clientWidth + 1)
  .map(t => t.tagName + ':' + t.scrollWidth + ':' + (t.querySelector('th') || t).textContent.slice(0, 12));
document.body.insertAdjacentHTML('beforeend',
  '<output id="probe">page=' + (d.scrollWidth - d.clientWidth) + ';wide=' + wide.join(',') + ';</output>' +
  '<output id="text">' + Math.round(document.querySelector('strong').getBoundingClientRect().width) + '</output>');
</script>"#;

/// A tracker's stylesheet for rendered Markdown, as GitHub's: tables and
/// code blocks scroll inside themselves, long words break.
const TRACKER_CSS: &str = "<style>body{font:16px/1.5 sans-serif;margin:0;padding:16px;\
overflow-wrap:break-word}table{display:block;width:max-content;max-width:100%;overflow:auto;\
border-collapse:collapse}td,th{padding:6px 13px;border:1px solid #ddd}\
pre{overflow:auto}</style>";

fn browser() -> Option<std::path::PathBuf> {
    ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|b| tool(b))
}

/// What the probe measured on `page`: `page=0;wide=;` when nothing overflows.
fn measure(browser: &std::path::Path, page: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("page.html");
    let page = page.replace("</body>", &format!("{PROBE}</body>"));
    std::fs::write(&file, page).unwrap();
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
        ])
        .arg(format!("--window-size={WIDTH},2000"))
        .arg(format!(
            "--user-data-dir={}",
            dir.path().join("profile").display()
        ))
        .arg("--dump-dom")
        .arg(format!("file://{}", file.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let inside = |id: &str| {
        let open = format!("<output id=\"{id}\">");
        let at = dom.rfind(&open).expect("the probe ran") + open.len();
        dom[at..at + dom[at..].find('<').unwrap()].to_string()
    };
    // Text laid out with no font has no width, and then nothing overflows.
    let text: u32 = inside("text").parse().unwrap_or(0);
    assert!(
        text > 100,
        "the browser laid no text out (a font?): {text} px"
    );
    inside("probe")
}

fn report(format: &str, log: &str) -> String {
    let out = kp().args(["analyze", "-o", format, log]).output().unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn markdown_page(md: &str) -> String {
    let mut body = String::new();
    let opts = pulldown_cmark::Options::ENABLE_TABLES;
    pulldown_cmark::html::push_html(&mut body, pulldown_cmark::Parser::new_ext(md, opts));
    format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\">{TRACKER_CSS}</head><body>{body}</body></html>")
}

#[test]
fn at_760_pixels_nothing_overflows() {
    let Some(b) = browser() else {
        return skip_when_absent("chromium");
    };
    for log in [
        "fixtures/incident/kubectl-ts.log",
        "fixtures/scenarios/etcd-unattributed.log",
        "fixtures/scenarios/retrying.log",
    ] {
        let html = measure(&b, &report("html", log));
        assert_eq!(html, "page=0;wide=;", "-o html of {log}");
        let md = measure(&b, &markdown_page(&report("markdown", log)));
        assert_eq!(md, "page=0;wide=;", "-o markdown of {log}");
    }
}
