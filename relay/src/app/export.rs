//! "Copy as Markdown": a report as text to paste into a tracker issue. Everything the reporter
//! or the page wrote goes into code spans and fenced blocks (with a fence longer than any run of
//! backticks inside), so a report cannot inject links, images or markup into the tracker.

use std::fmt::Write;

use super::view::{ConsoleView, NetworkView, ReportView};

/// The longest run of backticks in `text`.
fn longest_run(text: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// A fence that no line of `text` can close.
fn fence(text: &str) -> String {
    "`".repeat((longest_run(text) + 1).max(3))
}

fn block(out: &mut String, text: &str) {
    let f = fence(text);
    let _ = writeln!(out, "{f}text\n{}\n{f}\n", text.trim_end());
}

/// Inline code that nothing inside can end; line breaks become spaces.
fn code(text: &str) -> String {
    let flat = text.replace(['\n', '\r'], " ");
    let ticks = "`".repeat(longest_run(&flat) + 1);
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{flat}{pad}{ticks}")
}

/// How many of the console's last lines the export shows, whatever their level.
const LAST_CONSOLE_LINES: usize = 20;

/// The last `n` of `lines` as `[level] message`, oldest first.
fn console_lines<'a>(lines: impl DoubleEndedIterator<Item = &'a ConsoleView>, n: usize) -> String {
    let mut last: Vec<String> = lines
        .rev()
        .take(n)
        .map(|c| format!("[{}] {}", c.level, c.message))
        .collect();
    last.reverse();
    last.join("\n")
}

/// A list of requests under `heading`, each with its status, time and error; nothing when
/// there is none.
fn requests<'a>(out: &mut String, heading: &str, list: impl Iterator<Item = &'a NetworkView>) {
    let list: Vec<_> = list.collect();
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "**{heading} ({})**\n", list.len());
    for n in list {
        let mut line = format!(
            "- {} {} → {}",
            code(&n.method),
            code(&n.url),
            code(&n.status)
        );
        if !n.duration.is_empty() {
            let _ = write!(line, " in {}", n.duration);
        }
        if !n.error.is_empty() {
            let _ = write!(line, " ({})", code(&n.error));
        }
        let _ = writeln!(out, "{line}");
    }
    out.push('\n');
}

/// The report as Markdown; `link` is where the team reads it in the app.
pub fn markdown(r: &ReportView, link: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### {}\n", code(&r.title));
    if !r.text.is_empty() {
        out.push_str("**What they wrote**\n\n");
        block(&mut out, &r.text);
    }
    let _ = writeln!(out, "- **Page:** {}", code(&r.page_url));
    let _ = writeln!(out, "- **Received:** {}", r.received);
    for (k, v) in r.context.iter().chain(&r.identity).chain(&r.metadata) {
        let _ = writeln!(out, "- **{k}:** {}", code(v));
    }
    if !r.category.is_empty() {
        let _ = writeln!(out, "- **Category:** {}", code(&r.category));
    }
    let _ = writeln!(out, "- **Report:** {link}\n");
    if !r.errors.is_empty() {
        let _ = writeln!(out, "**Errors ({})**\n", r.errors.len());
        for e in &r.errors {
            let mut text = format!("{}: {}", e.kind, e.message);
            if !e.location.is_empty() {
                let _ = write!(text, "\n  at {}", e.location);
            }
            if !e.stack.is_empty() {
                let _ = write!(text, "\n{}", e.stack);
            }
            block(&mut out, &text);
        }
    }
    requests(
        &mut out,
        "Failed requests",
        r.network.iter().filter(|n| n.failed),
    );
    requests(
        &mut out,
        "Slow requests (1 s or more)",
        r.network.iter().filter(|n| n.slow && !n.failed),
    );
    let loud: Vec<_> = r
        .console
        .iter()
        .filter(|c| matches!(c.level, "error" | "warn" | "assert"))
        .collect();
    // When every line is loud and all of them fit, the second list would repeat the first.
    let all_shown = loud.len() == r.console.len() && loud.len() <= LAST_CONSOLE_LINES;
    if !loud.is_empty() {
        let _ = writeln!(out, "**Console errors and warnings ({})**\n", loud.len());
        block(&mut out, &console_lines(loud.into_iter(), 30));
    }
    if !r.console.is_empty() && !all_shown {
        let shown = r.console.len().min(LAST_CONSOLE_LINES);
        let _ = writeln!(
            out,
            "**Last console lines ({shown} of {})**\n",
            r.console.len()
        );
        block(
            &mut out,
            &console_lines(r.console.iter(), LAST_CONSOLE_LINES),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_and_spans_outlast_what_is_inside() {
        assert_eq!(fence("no ticks"), "```");
        assert_eq!(fence("a ```` b"), "`````");
        assert_eq!(code("plain"), "`plain`");
        assert_eq!(code("a ` b"), "``a ` b``");
        assert_eq!(code("`x`"), "`` `x` ``");
        let mut out = String::new();
        block(&mut out, "```\n![x](https://evil.test/p.png)\n```");
        assert!(out.starts_with("````text\n"), "{out}");
        assert!(out.trim_end().ends_with("\n````"), "{out}");
    }
}
