//! Prose and times as a ticket shows them: lines of at most `PROSE` columns
//! that never turn into Markdown blocks, and times without the date when
//! the whole summary falls on one day.

use crate::analyze::Triage;
use crate::report::text::{ts, width};
use crate::time::Ts;

/// The widest prose line, however wide the terminal: longer lines are hard
/// to read, and a ticket's text box is about this wide.
pub const PROSE: usize = 100;

/// `text` wrapped at spaces to `PROSE` columns, the first line after
/// `first`, the others after `rest`. Words are never cut (a newline inside
/// one would read as a space), and no line starts with what Markdown would
/// read as a list item or a heading underline: the word stays on the line
/// before.
pub fn wrap(text: &str, first: &str, rest: &str) -> String {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let room = PROSE - width(if lines.is_empty() { first } else { rest });
        let fits = line.is_empty() || width(&line) + 1 + width(word) <= room;
        if !fits && !opens_block(word) {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    lines.push(line);
    let mut out = String::new();
    for (i, l) in lines.iter().enumerate() {
        out.push_str(if i == 0 { first } else { rest });
        out.push_str(l);
        out.push('\n');
    }
    out
}

/// A word that at the start of a line would open a list or underline a
/// heading.
fn opens_block(word: &str) -> bool {
    let digits = word.trim_start_matches(|c: char| c.is_ascii_digit());
    matches!(word, "-" | "+" | "*" | "=")
        || word.starts_with(['-', '+', '=', '*'])
        || (digits.len() < word.len() && digits.starts_with(['.', ')']))
}

/// Escaped Markdown for a table cell, with a break opportunity (`<wbr>`,
/// which GitHub and GitLab keep) after each `/`, `:`, `,`, `=` or `&` of a
/// long word, and every 16 characters without one: a CRN or a path in one cell would otherwise widen the table
/// past a ticket's width and hide its last columns.
pub fn cell(s: &str) -> String {
    let escaped = crate::report::text::md(s);
    let mut out = String::with_capacity(escaped.len() + 16);
    for (i, word) in escaped.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        if word.chars().count() <= LONG_WORD {
            out.push_str(word);
            continue;
        }
        let mut run = 0;
        for c in word.chars() {
            out.push(c);
            run += 1;
            // A run with no such character (an account id) breaks anyway.
            if (matches!(c, '/' | ':' | ',' | '=' | '&') && run >= 6) || run >= 16 {
                out.push_str("<wbr>");
                run = 0;
            }
        }
    }
    out
}

/// Words longer than this get break opportunities in table cells.
const LONG_WORD: usize = 24;

/// How times are written: the time of day when the summary's span is
/// within one calendar day (the header says which), else in full.
pub struct Clock {
    pub day: Option<chrono::NaiveDate>,
}

impl Clock {
    pub fn of(t: &Triage) -> Clock {
        let from = t.window_from.or(t.acct.first_ts);
        let to = t.window_to.or(t.acct.last_ts);
        let day = match (from, to) {
            (Some(f), Some(t)) if f.to_datetime().date_naive() == t.to_datetime().date_naive() => {
                Some(f.to_datetime().date_naive())
            }
            _ => None,
        };
        Clock { day }
    }

    pub fn at(&self, t: Option<Ts>) -> String {
        match (self.day, t) {
            (Some(d), Some(t)) if t.to_datetime().date_naive() == d => {
                t.to_datetime().format("%H:%M:%S").to_string()
            }
            _ => ts(t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_word_in_a_cell_can_break() {
        let crn =
            "crn:v1:bluemix:public:containers-kubernetes:us-south:a/c5c0:c23h5icd0sr2mu96rcig::";
        let c = cell(&format!("for {crn} after"));
        assert!(c.starts_with("for crn:v1:<wbr>bluemix:<wbr>"), "{c}");
        assert_eq!(c.replace("<wbr>", ""), format!("for {crn} after"));
        assert_eq!(cell("short | text"), r"short \| text");
    }

    #[test]
    fn prose_keeps_to_100_columns_and_opens_no_block() {
        let text = format!(
            "{} - {} 1. {}",
            "word ".repeat(19),
            "x".repeat(90),
            "y ".repeat(60)
        );
        let out = wrap(&text, "- ", "  ");
        for l in out.lines() {
            let body = l.trim_start();
            assert!(!body.starts_with("- ") || l.starts_with("- word"), "{l:?}");
            assert!(!body.starts_with("1."), "{l:?}");
        }
        let long: Vec<&str> = out.lines().filter(|l| width(l) > PROSE).collect();
        assert!(
            long.iter().all(|l| l.ends_with(&"x".repeat(90))),
            "{long:?}"
        );
        assert_eq!(wrap("short", "> ", "> "), "> short\n");
        let words: Vec<&str> = out.split_whitespace().filter(|w| *w != "-").collect();
        assert_eq!(words.len(), text.split_whitespace().count() - 1);
    }
}
