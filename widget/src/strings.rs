//! Every string the launcher and dialog show. English is here; the other bundled locales are
//! `widget/locales/*.json`, which the package ships as small modules that the loader imports
//! when the dialog opens on a page in that language (so the other pages never download them).
//! The locale is the `locale` option, else `<html lang>`, else the browser's language. The host
//! may replace any string by key with the `strings` option.

/// A string of the UI, by its key in the `strings` option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Text {
    Launcher,
    Title,
    Description,
    DescriptionPlaceholder,
    DescriptionRequired,
    Category,
    Severity,
    SeverityNone,
    SeverityLow,
    SeverityMedium,
    SeverityHigh,
    SeverityCritical,
    Email,
    IncludeScreenshot,
    Annotate,
    TakingScreenshot,
    ScreenshotFailed,
    ScreenshotSize,
    Attach,
    AttachTooLarge,
    Details,
    DetailsConsole,
    DetailsNetwork,
    DetailsErrors,
    DetailsPage,
    DetailsPrivacy,
    Cancel,
    Send,
    Close,
    Sending,
    Uploading,
    Queued,
    Sent,
    ReportId,
    Failed,
    ToolRectangle,
    ToolArrow,
    ToolPen,
    ToolText,
    ToolHighlight,
    ToolRedact,
    ToolPixelate,
    Color,
    Undo,
    Redo,
    Clear,
    Done,
    TextPrompt,
    CanvasLabel,
    OriginRefused,
    CategoryPlaceholder,
    DetailsBrowser,
    DetailsIdentity,
    DetailsMetadata,
    DetailsSnapshot,
    DetailsBodies,
    Remove,
    DropHint,
    Show,
}

/// The `strings` option's keys, in the order of [`Text`].
pub const KEYS: [&str; 59] = [
    "launcher",
    "title",
    "description",
    "descriptionPlaceholder",
    "descriptionRequired",
    "category",
    "severity",
    "severityNone",
    "severityLow",
    "severityMedium",
    "severityHigh",
    "severityCritical",
    "email",
    "includeScreenshot",
    "annotate",
    "takingScreenshot",
    "screenshotFailed",
    "screenshotSize",
    "attach",
    "attachTooLarge",
    "details",
    "detailsConsole",
    "detailsNetwork",
    "detailsErrors",
    "detailsPage",
    "detailsPrivacy",
    "cancel",
    "send",
    "close",
    "sending",
    "uploading",
    "queued",
    "sent",
    "reportId",
    "failed",
    "toolRectangle",
    "toolArrow",
    "toolPen",
    "toolText",
    "toolHighlight",
    "toolRedact",
    "toolPixelate",
    "color",
    "undo",
    "redo",
    "clear",
    "done",
    "textPrompt",
    "canvasLabel",
    "originRefused",
    "categoryPlaceholder",
    "detailsBrowser",
    "detailsIdentity",
    "detailsMetadata",
    "detailsSnapshot",
    "detailsBodies",
    "remove",
    "dropHint",
    "show",
];

/// Whether `key` names one of the UI's strings.
pub fn is_key(key: &str) -> bool {
    KEYS.contains(&key)
}

/// The host's replacement for `text` from the `strings` option, if it gave one.
pub fn replacement(overrides: &[(String, String)], text: Text) -> Option<&str> {
    let key = KEYS[text as usize];
    overrides
        .iter()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.as_str())
}

/// The bundled locales, by language subtag.
pub const LOCALES: [&str; 5] = ["en", "de", "fr", "es", "ja"];

/// The bundled locale for a language tag (`de-AT` → `de`); English when none fits.
pub fn locale_index(tag: &str) -> usize {
    let language = tag
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    LOCALES.iter().position(|l| *l == language).unwrap_or(0)
}

/// The launcher's label in locale `locale` (an index into [`LOCALES`]): the capture module
/// shows the launcher before any locale file is loaded, so it carries these five.
pub fn launcher_label(locale: usize) -> &'static str {
    LAUNCHER_LABELS.get(locale).copied().unwrap_or(EN[0])
}

/// The `launcher` string of each locale, in the order of [`LOCALES`] (a test holds them to the
/// locale files).
const LAUNCHER_LABELS: [&str; 5] = [
    EN[0],
    "Fehler melden",
    "Signaler un bug",
    "Informar de un error",
    "不具合を報告",
];

/// `text` in English: what the dialog shows where neither the host nor the locale file has it.
pub fn english(text: Text) -> &'static str {
    EN[text as usize]
}

const EN: [&str; 59] = [
    "Report a bug",
    "Report a bug",
    "What went wrong?",
    "What did you do, and what did you expect to happen?",
    "Please describe the problem.",
    "Category",
    "Severity",
    "Not sure",
    "Low",
    "Medium",
    "High",
    "Critical",
    "Your email (optional)",
    "Include screenshot",
    "Mark up screenshot",
    "Taking a screenshot…",
    "No screenshot could be taken. You can attach an image instead.",
    "Screenshot, {size}",
    "Attach an image",
    "That file is too large or not an image (PNG, JPEG or WebP up to 10 MB).",
    "What will be sent",
    "Console messages",
    "Network requests",
    "Errors",
    "Page",
    "Typed values, passwords and secrets are masked before anything leaves this page.",
    "Cancel",
    "Send report",
    "Close",
    "Sending…",
    "Uploading {name}…",
    "The report couldn't be sent right now. It is saved on this device and will be sent automatically when the connection is back.",
    "Thank you! Your report was sent.",
    "Report ID",
    "The report could not be sent: {error}",
    "Rectangle",
    "Arrow",
    "Pen",
    "Text",
    "Highlight",
    "Redact",
    "Pixelate",
    "Colour",
    "Undo",
    "Redo",
    "Clear all",
    "Done",
    "Label text",
    "Screenshot editor. Arrow keys move the cursor, Enter starts and ends a shape.",
    "This page isn't set up to send reports yet, so this one could not be sent. The site's developers can see why in the browser console.",
    "Choose a category",
    "Browser",
    "Your account",
    "App details",
    "Page structure (typed values masked)",
    "Request and response contents (secrets removed)",
    "Remove",
    "or drop or paste an image here",
    "Show",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_from_language_tags() {
        assert_eq!(locale_index("de-AT"), 1);
        assert_eq!(locale_index("JA"), 4);
        assert_eq!(locale_index("pt-BR"), 0);
        assert_eq!(locale_index(""), 0);
    }

    /// The locale files, as the build ships them.
    const FILES: [(&str, &str); 4] = [
        ("de", include_str!("../locales/de.json")),
        ("fr", include_str!("../locales/fr.json")),
        ("es", include_str!("../locales/es.json")),
        ("ja", include_str!("../locales/ja.json")),
    ];

    #[test]
    fn every_locale_file_has_every_string_with_the_same_placeholders() {
        assert_eq!(FILES.len() + 1, LOCALES.len());
        for (name, text) in FILES {
            let index = LOCALES.iter().position(|l| *l == name).unwrap();
            let file: std::collections::BTreeMap<String, String> =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}.json: {e}"));
            let keys: Vec<&str> = file.keys().map(String::as_str).collect();
            let mut expected = KEYS.to_vec();
            expected.sort();
            assert_eq!(
                keys, expected,
                "{name}.json has exactly the keys of `strings`"
            );
            for (i, key) in KEYS.iter().enumerate() {
                let other = &file[*key];
                assert!(!other.trim().is_empty(), "{key} in {name}");
                for placeholder in ["{size}", "{name}", "{error}"] {
                    assert_eq!(
                        EN[i].contains(placeholder),
                        other.contains(placeholder),
                        "{key} in {name}"
                    );
                }
            }
            assert_eq!(launcher_label(index), file["launcher"], "{name}");
        }
        assert_eq!(launcher_label(0), "Report a bug");
        assert_eq!(english(Text::Send), "Send report");
    }
}
