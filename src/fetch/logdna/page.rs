//! What LogDNA answers: a v2 page (`{"pagination_id": ..., "lines": [...]}`)
//! or v1 JSON Lines, each line an exported line. Anything else (a login
//! page, an error object, lines that are not objects) is an error before
//! any of it is written.

use super::Stop;
use crate::fetch::text::{clip, neutralise};
use serde::Deserialize;
use serde_json::value::RawValue;

#[derive(Deserialize)]
pub(super) struct Page<'a> {
    pub pagination_id: Option<String>,
    #[serde(borrow)]
    pub lines: Vec<&'a RawValue>,
}

/// An exported line: a JSON object with `_line` or `_ts`.
#[derive(Deserialize)]
struct Exported {
    #[serde(rename = "_line")]
    line: Option<serde::de::IgnoredAny>,
    #[serde(rename = "_ts")]
    ts: Option<serde_json::Value>,
}

/// A line checked to be an exported line, with its `_ts` in milliseconds.
pub(super) type Checked<'b> = (&'b [u8], Option<f64>);

/// Each line's `_ts`, once all are checked to be exported lines: nothing of
/// an answer that is not an export is written. The first line not being
/// one says the whole answer is something else (a login page, ...).
pub(super) fn checked<'b>(
    lines: Vec<&'b [u8]>,
    what: &str,
    body: &[u8],
) -> Result<Vec<Checked<'b>>, Stop> {
    let mut out = Vec::with_capacity(lines.len());
    for (i, line) in lines.into_iter().enumerate() {
        let parsed = match line.trim_ascii_start().first() {
            Some(b'{') => serde_json::from_slice::<Exported>(line).map_err(|e| e.to_string()),
            _ => Err("not a JSON object".to_string()),
        };
        let cause = match parsed {
            Ok(Exported {
                line: None,
                ts: None,
            }) => "an object with neither _line nor _ts".into(),
            Ok(e) => {
                out.push((line, e.ts.and_then(|t| t.as_f64())));
                continue;
            }
            Err(cause) => cause,
        };
        if i == 0 && !body.trim_ascii_start().starts_with(b"{") {
            return Err(Stop::NotUnderstood {
                what: what.to_string(),
                found: crate::fetch::answer::not_understood(body, "LogDNA export lines"),
            });
        }
        return Err(Stop::BadPage {
            what: what.to_string(),
            service: "LogDNA",
            cause: format!(
                "line {} is not an exported line: {}",
                i + 1,
                clip(&neutralise(&cause), 120)
            ),
        });
    }
    Ok(out)
}

/// A v2 page; an answer that is not JSON at all is named for what it is.
pub(super) fn parse_page<'b>(body: &'b [u8], what: &str) -> Result<Page<'b>, Stop> {
    serde_json::from_slice(body).map_err(|e| {
        if body.trim_ascii_start().starts_with(b"{") {
            Stop::BadPage {
                what: what.to_string(),
                service: "LogDNA",
                cause: e.to_string(),
            }
        } else {
            Stop::NotUnderstood {
                what: what.to_string(),
                found: crate::fetch::answer::not_understood(body, "a LogDNA export page"),
            }
        }
    })
}
