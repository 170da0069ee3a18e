//! `patterns suggest`: the lines about the rotation that the triage did not
//! understand, mined into templates (in the manner of Drain: lines of the
//! same length and first word are compared position by position, and a
//! line joins the first template it shares most of its words with, the
//! positions that differ becoming variables), then written as pack rules
//! for the user to finish: each rule's event is left for them to say.
//!
//! Ids, numbers and quoted strings are variables from the start, so the
//! templates differ only in their words. A rule's regex is the template's
//! words with a variable for each masked part; it stops at the first colon
//! after a few words, because the triage's text puts a record's error field
//! on a line of its own after the message.

use super::{source_of, Triage};
use crate::classify::id_tokens;

/// The share of positions two lines must agree on to share a template. High:
/// the words that differ are the outcome the user will name.
const SIMILARITY: f64 = 0.8;
/// Samples written per rule.
const SAMPLES: usize = 3;

#[derive(Clone, Debug, PartialEq, Eq)]
enum Tok {
    Word(String),
    /// An id, a number, or a token that holds one.
    Var,
    /// A quoted string, with whatever is attached to its quotes.
    Quoted,
}

/// One template and the lines it stands for.
#[derive(Debug)]
pub struct Suggestion {
    pub template: String,
    pub regex: String,
    pub keyword: String,
    pub count: usize,
    pub samples: Vec<String>,
    /// `file:line` of the first line.
    pub source: String,
}

struct Group {
    toks: Vec<Tok>,
    count: usize,
    samples: Vec<String>,
    source: String,
}

/// The templates of the triage's lines not understood, most frequent first.
pub fn suggestions(t: &Triage) -> Vec<Suggestion> {
    let names: Vec<&str> = t.inputs.iter().map(|i| i.name.as_str()).collect();
    let lines = t.not_understood_lines.iter().map(|&i| {
        let e = &t.events[i];
        (e.message().into_owned(), source_of(&names, e))
    });
    mine(lines)
}

/// Mines `(message, source)` pairs into templates.
pub fn mine(lines: impl Iterator<Item = (String, String)>) -> Vec<Suggestion> {
    let mut groups: Vec<Group> = Vec::new();
    for (message, source) in lines {
        let toks = tokens(&message);
        if toks.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|g| similar(&g.toks, &toks)) {
            Some(g) => {
                for (a, b) in g.toks.iter_mut().zip(&toks) {
                    if a != b && *a != Tok::Quoted {
                        *a = Tok::Var;
                    }
                }
                g.count += 1;
                if g.samples.len() < SAMPLES && !g.samples.contains(&message) {
                    g.samples.push(message);
                }
            }
            None => groups.push(Group {
                toks,
                count: 1,
                samples: vec![message],
                source,
            }),
        }
    }
    let mut out: Vec<Suggestion> = Vec::new();
    for g in groups {
        let Some(s) = suggestion(g) else { continue };
        match out.iter_mut().find(|o| o.regex == s.regex) {
            Some(o) => {
                o.count += s.count;
                for x in s.samples {
                    if o.samples.len() < SAMPLES && !o.samples.contains(&x) {
                        o.samples.push(x);
                    }
                }
            }
            None => out.push(s),
        }
    }
    out.sort_by_key(|s| std::cmp::Reverse(s.count));
    out
}

/// Same length, same first token, and most positions equal.
fn similar(a: &[Tok], b: &[Tok]) -> bool {
    if a.len() != b.len() || a[0] != b[0] {
        return false;
    }
    let same = a.iter().zip(b).filter(|(x, y)| x == y).count();
    same as f64 / a.len() as f64 >= SIMILARITY
}

/// A message's tokens, split at whitespace, with a quoted string (which may
/// hold spaces) as one.
fn tokens(message: &str) -> Vec<Tok> {
    let ids = id_tokens(message);
    let mut out = Vec::new();
    let mut open = false;
    for raw in message.split_whitespace() {
        let quotes = raw.matches('"').count();
        if open {
            open = quotes % 2 == 0;
            continue;
        }
        if quotes > 0 {
            open = quotes % 2 == 1;
            out.push(Tok::Quoted);
        } else if raw.bytes().any(|b| b.is_ascii_digit())
            || ids.iter().any(|id| raw.contains(&**id))
        {
            out.push(Tok::Var);
        } else {
            out.push(Tok::Word(raw.to_string()));
        }
    }
    out
}

fn suggestion(g: Group) -> Option<Suggestion> {
    let head = head(&g.toks);
    let keyword = head
        .iter()
        .filter_map(|t| match t {
            Tok::Word(w) => Some(w.trim_matches(|c: char| !c.is_alphanumeric())),
            _ => None,
        })
        .filter(|w| {
            w.len() >= 3
                && w.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
        .max_by_key(|w| w.len())?
        .to_lowercase();
    let regex = head.iter().map(part).collect::<Vec<_>>().join(r"\s+");
    let check = regex::RegexBuilder::new(&regex)
        .case_insensitive(true)
        .build()
        .ok()?;
    let samples: Vec<String> = g
        .samples
        .into_iter()
        .filter(|s| check.is_match(s) && s.to_lowercase().contains(&keyword))
        .collect();
    if samples.is_empty() {
        return None;
    }
    let template = g.toks.iter().map(shown).collect::<Vec<_>>().join(" ");
    Some(Suggestion {
        template,
        regex,
        keyword,
        count: g.count,
        samples,
        source: g.source,
    })
}

/// The tokens a rule matches: up to the first word ending a clause with a
/// colon, when at least two words come before it.
fn head(toks: &[Tok]) -> &[Tok] {
    let mut words = 0;
    for (i, t) in toks.iter().enumerate() {
        if let Tok::Word(w) = t {
            words += 1;
            if w.ends_with(':') && words >= 3 && i + 1 < toks.len() {
                return &toks[..=i];
            }
        }
    }
    toks
}

fn part(t: &Tok) -> String {
    match t {
        Tok::Word(w) => match w.strip_suffix(':') {
            Some(stem) => format!("{}:?", regex::escape(stem)),
            None => regex::escape(w),
        },
        Tok::Var => r"\S+".to_string(),
        Tok::Quoted => r#"\S*"[^"\n]*"\S*"#.to_string(),
    }
}

fn shown(t: &Tok) -> String {
    match t {
        Tok::Word(w) => w
            .chars()
            .map(|c| if c.is_control() { '?' } else { c })
            .collect(),
        Tok::Var => "<*>".to_string(),
        Tok::Quoted => "\"<*>\"".to_string(),
    }
}

/// The suggestions as a user pack: valid TOML that loads once each rule says
/// its event. `categories` are the pack's category ids, named in the header.
pub fn render(suggestions: &[Suggestion], categories: &[&str]) -> String {
    let lines: usize = suggestions.iter().map(|s| s.count).sum();
    let mut out = String::new();
    if suggestions.is_empty() {
        out.push_str(
            "# kp-triage patterns suggest: every line about the rotation was understood.\n",
        );
    } else {
        out.push_str(&format!(
            "# kp-triage patterns suggest: {lines} line(s) about the rotation were not understood,\n\
             # in {} template(s). For each rule, say what its lines report: uncomment\n\
             # its `marker` line (\"started\", \"succeeded\" or \"detected\") or its `category`\n\
             # line (one of: {}), then check the pack:\n\
             #   kp-triage patterns check mine.toml\n",
            suggestions.len(),
            categories.join(", ")
        ));
    }
    out.push_str("schema_version = 1\n");
    for (i, s) in suggestions.iter().enumerate() {
        let q = |v: &str| toml::Value::String(v.to_string()).to_string();
        let samples: Vec<String> = s.samples.iter().map(|x| q(x)).collect();
        out.push_str(&format!(
            "\n# {} line(s), the first at {}: {}\n[[rule]]\nid = \"suggested.{}\"\n\
             # marker = \"succeeded\"\n# category = \"attempt_failed\"\n\
             keywords = [{}]\nregex = [{}]\nsamples = [\n    {},\n]\n",
            s.count,
            shown(&Tok::Word(s.source.clone())),
            s.template,
            i + 1,
            q(&s.keyword),
            q(&s.regex),
            samples.join(",\n    ")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mined(lines: &[&str]) -> Vec<Suggestion> {
        mine(
            lines
                .iter()
                .map(|l| (l.to_string(), "pod.log:1".to_string())),
        )
    }

    #[test]
    fn ids_numbers_and_quoted_errors_are_variables() {
        let s = mined(&[
            "key rotation wrapped up for cluster c23h5icd0sr2mu96rcig in 41ms",
            "key rotation wrapped up for cluster bm64u3ed02o93vv36hb0 in 7ms",
            "key rotation went sideways for cluster bm64u3ed02o93vv36hb0: \"quota exceeded for now\"",
        ]);
        assert_eq!(s.len(), 2, "{s:?}");
        assert_eq!(
            s[0].template,
            "key rotation wrapped up for cluster <*> in <*>"
        );
        assert_eq!(s[0].count, 2);
        assert_eq!(s[0].keyword, "rotation");
        assert_eq!(
            s[1].template,
            "key rotation went sideways for cluster <*> \"<*>\""
        );
        assert!(s[1].regex.ends_with(r#"\S*"[^"\n]*"\S*"#), "{}", s[1].regex);
    }

    #[test]
    fn words_that_differ_at_a_few_positions_join_one_template() {
        let s = mined(&[
            "rotation handed to worker alpha for the cluster",
            "rotation handed to worker beta for the cluster",
        ]);
        assert_eq!(s.len(), 1);
        assert_eq!(
            s[0].template,
            "rotation handed to worker <*> for the cluster"
        );
        assert_eq!(s[0].samples.len(), 2);
    }

    #[test]
    fn a_rule_stops_at_the_colon_after_its_words_and_matches_its_samples() {
        let s = mined(&["rotation was marked as fine: cluster=c1 attempt=2/6"]);
        assert_eq!(s[0].regex, r"rotation\s+was\s+marked\s+as\s+fine:?");
        let re = regex::Regex::new(&format!("(?i){}", s[0].regex)).unwrap();
        assert!(re.is_match("rotation was marked as fine\ncluster=c1"));
    }

    #[test]
    fn the_rendering_is_a_pack_once_events_are_said() {
        let s = mined(&["key rotation wrapped up for cluster c23h5icd0sr2mu96rcig"]);
        let text = render(&s, &["etcd", "attempt_failed"]);
        assert!(
            text.contains("# 1 line(s), the first at pod.log:1"),
            "{text}"
        );
        let filled = text.replace("# marker = \"succeeded\"", "marker = \"succeeded\"");
        let pack = crate::classify::pack::Pack::load(&[("mine.toml".into(), filled)], false);
        assert!(pack.is_ok(), "{:?}", pack.err());
        assert!(render(&[], &[]).contains("schema_version = 1"));
    }
}
