//! Keeps what one tool call returns within what an agent's context window can take: a report's
//! JSON can run to a megabyte (bodies, stacks, a thousand console lines), and a tool that floods
//! the context loses the conversation it was called for. What is cut is always said, with how
//! to get it whole.

use serde_json::Value;

/// Strings are cut to these lengths in turn until the JSON fits.
const STRING_STEPS: [usize; 3] = [2000, 400, 100];
/// Then arrays keep only their last this many entries (the latest console lines and requests).
const ARRAY_KEEP: usize = 10;

/// What [`fit`] had to cut.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Cut {
    /// Strings shortened, and the length they were cut to.
    pub strings: usize,
    pub string_limit: usize,
    /// Array entries left out (the oldest ones).
    pub entries: usize,
    /// Nothing was small enough: the JSON is left out.
    pub all: bool,
}

impl Cut {
    fn any(&self) -> bool {
        self.strings > 0 || self.entries > 0 || self.all
    }

    /// One sentence for the agent.
    pub fn describe(&self) -> String {
        if self.all {
            return "The JSON was left out: even cut down it is larger than max_chars.".into();
        }
        let mut parts = Vec::new();
        if self.strings > 0 {
            parts.push(format!(
                "{} strings were cut to {} characters (marked `…[cut N chars]`)",
                self.strings, self.string_limit
            ));
        }
        if self.entries > 0 {
            parts.push(format!(
                "{} older entries of long lists were left out (each list keeps its last {ARRAY_KEEP})",
                self.entries
            ));
        }
        format!("{}.", parts.join("; "))
    }
}

/// `value` as compact JSON of at most `max_chars` bytes, cutting long strings, then long lists,
/// as little as it takes; `None` for the cut when nothing was.
pub fn fit(mut value: Value, max_chars: usize) -> (String, Option<Cut>) {
    let mut cut = Cut::default();
    let mut text = value.to_string();
    for limit in STRING_STEPS {
        if text.len() <= max_chars {
            break;
        }
        cut.strings += shorten_strings(&mut value, limit);
        cut.string_limit = limit;
        text = value.to_string();
    }
    if text.len() > max_chars {
        cut.entries += drop_old_entries(&mut value);
        text = value.to_string();
    }
    if text.len() > max_chars {
        cut.all = true;
        text = "null".into();
    }
    (text, Some(cut).filter(Cut::any))
}

fn shorten_strings(value: &mut Value, limit: usize) -> usize {
    match value {
        Value::String(s) => {
            let chars = s.chars().count();
            if chars <= limit {
                return 0;
            }
            let kept: String = s.chars().take(limit).collect();
            *s = format!("{kept}…[cut {} chars]", chars - limit);
            1
        }
        Value::Array(items) => items.iter_mut().map(|v| shorten_strings(v, limit)).sum(),
        Value::Object(map) => map.values_mut().map(|v| shorten_strings(v, limit)).sum(),
        _ => 0,
    }
}

fn drop_old_entries(value: &mut Value) -> usize {
    match value {
        Value::Array(items) => {
            let extra = items.len().saturating_sub(ARRAY_KEEP);
            items.drain(..extra);
            extra + items.iter_mut().map(drop_old_entries).sum::<usize>()
        }
        Value::Object(map) => map.values_mut().map(drop_old_entries).sum(),
        _ => 0,
    }
}

/// `text` cut at a character boundary to at most `max` bytes, and whether it was: the
/// redaction engine's own cut, so there is one.
pub use bugcap_protocol::redact::body::cap as truncate;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn small_values_pass_whole() {
        let v = json!({ "a": "short", "b": [1, 2, 3] });
        assert_eq!(fit(v.clone(), 1000), (v.to_string(), None));
    }

    #[test]
    fn long_strings_are_cut_first_and_the_cut_is_marked() {
        let v = json!({ "body": "x".repeat(5000), "note": "kept" });
        let (text, cut) = fit(v, 3000);
        assert!(text.len() <= 3000, "{}", text.len());
        let back: Value = serde_json::from_str(&text).unwrap();
        assert!(
            back["body"]
                .as_str()
                .unwrap()
                .ends_with("…[cut 3000 chars]")
        );
        assert_eq!(back["note"], "kept");
        let cut = cut.unwrap();
        assert_eq!((cut.strings, cut.string_limit, cut.entries), (1, 2000, 0));
    }

    #[test]
    fn long_lists_keep_their_latest_entries_when_strings_are_not_enough() {
        let lines: Vec<Value> = (0..500)
            .map(|i| json!({ "message": format!("line {i}") }))
            .collect();
        let (text, cut) = fit(json!({ "console": lines }), 2000);
        let back: Value = serde_json::from_str(&text).unwrap();
        let kept = back["console"].as_array().unwrap();
        assert_eq!(kept.len(), ARRAY_KEEP);
        assert_eq!(kept.last().unwrap()["message"], "line 499");
        assert_eq!(cut.unwrap().entries, 490);
    }

    #[test]
    fn what_cannot_fit_is_left_out_and_said() {
        let wide: serde_json::Map<String, Value> =
            (0..400).map(|i| (format!("field{i}"), json!(i))).collect();
        let (text, cut) = fit(Value::Object(wide), 100);
        assert_eq!(text, "null");
        assert!(cut.unwrap().describe().contains("left out"));
    }

    #[test]
    fn truncation_respects_characters() {
        assert_eq!(truncate("héllo", 2), ("h", true));
        assert_eq!(truncate("héllo", 3), ("hé", true));
        assert_eq!(truncate("hi", 10), ("hi", false));
    }
}
