//! The masking rules of the DOM snapshot, as pure decisions on names and values so each one is
//! testable without a browser. The walker asks; these answer.

/// What the page marked an element as, through our attributes and classes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    /// `data-bugcap-block` / class `bugcap-block`: replaced by a same-size empty box.
    pub block: bool,
    /// `data-bugcap-mask` / class `bugcap-mask`: text kept in shape, characters replaced.
    pub mask: bool,
}

impl Marks {
    /// Reads the marks from one attribute; call for each and OR the results.
    pub fn of_attribute(name: &str, value: &str) -> Marks {
        match name {
            "data-bugcap-block" => Marks {
                block: true,
                mask: false,
            },
            "data-bugcap-mask" => Marks {
                block: false,
                mask: true,
            },
            "class" => {
                let mut marks = Marks::default();
                for class in value.split_ascii_whitespace() {
                    marks.block |= class == "bugcap-block";
                    marks.mask |= class == "bugcap-mask";
                }
                marks
            }
            _ => Marks::default(),
        }
    }

    pub fn or(self, other: Marks) -> Marks {
        Marks {
            block: self.block || other.block,
            mask: self.mask || other.mask,
        }
    }
}

/// The element's attributes as name/value pairs, which the masking rules read. Most elements
/// have none: one call answers that for them.
pub fn attributes(el: &web_sys::Element) -> Vec<(String, String)> {
    if !el.has_attributes() {
        return Vec::new();
    }
    let attributes = el.attributes();
    (0..attributes.length())
        .filter_map(|i| attributes.item(i))
        .map(|a| (a.name(), a.value()))
        .collect()
}

/// What applies to an element with attributes `list`: its marks (our attributes and classes, and
/// the host's selectors), and whether its text is masked because it is user-editable
/// (`contenteditable`, when inputs are masked). One decision for the snapshot and the screenshot.
pub fn element_marks(
    el: &web_sys::Element,
    list: &[(String, String)],
    block_selector: Option<&str>,
    mask_selector: Option<&str>,
    mask_inputs: bool,
) -> Marks {
    let mut marks = list.iter().fold(Marks::default(), |m, (n, v)| {
        m.or(Marks::of_attribute(n, v))
    });
    let matches = |selector: Option<&str>| selector.is_some_and(|s| el.matches(s).unwrap_or(false));
    marks.block |= matches(block_selector);
    marks.mask |= matches(mask_selector);
    marks.mask |= mask_inputs
        && list
            .iter()
            .any(|(n, v)| n == "contenteditable" && !v.eq_ignore_ascii_case("false"));
    marks
}

/// How an `<input>` is treated, from its `type` attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    /// Never read, whatever the options say.
    Password,
    /// Checkbox or radio: the state is the user's answer.
    Choice,
    /// Buttons: the value is the page's own label.
    Button,
    /// Everything else, hidden fields included (they carry CSRF tokens and ids).
    Text,
}

impl InputKind {
    /// The kind of an element with tag `tag` and attributes `list`; `None` for anything but an
    /// `<input>`.
    pub fn of_element(tag: &str, list: &[(String, String)]) -> Option<InputKind> {
        (tag == "input").then(|| {
            InputKind::of(
                list.iter()
                    .find(|(n, _)| n == "type")
                    .map(|(_, v)| v.as_str()),
            )
        })
    }

    pub fn of(type_attribute: Option<&str>) -> InputKind {
        match type_attribute.map(str::trim) {
            Some(t) if t.eq_ignore_ascii_case("password") => InputKind::Password,
            Some(t) if t.eq_ignore_ascii_case("checkbox") || t.eq_ignore_ascii_case("radio") => {
                InputKind::Choice
            }
            Some(t)
                if ["button", "submit", "reset", "image"]
                    .iter()
                    .any(|b| t.eq_ignore_ascii_case(b)) =>
            {
                InputKind::Button
            }
            _ => InputKind::Text,
        }
    }
}

/// Whether what the user entered in a form control (`tag`, and its `input` kind) is withheld:
/// a password always; text, a checkbox or radio's state, a textarea or a select's choice when
/// inputs are masked; a button's label never. The snapshot and the DOM render write masked
/// stand-ins; the real-pixels screenshot paints over the control.
pub fn value_hidden(tag: &str, input: Option<InputKind>, mask_inputs: bool) -> bool {
    match (tag, input) {
        (_, Some(InputKind::Password)) => true,
        (_, Some(InputKind::Button)) => false,
        (_, Some(InputKind::Text | InputKind::Choice)) | ("textarea" | "select", _) => mask_inputs,
        _ => false,
    }
}

/// `text` with every character but whitespace replaced by `*`: the shape survives (line breaks,
/// word lengths), the content does not.
pub fn mask(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_whitespace() { c } else { '*' })
        .collect()
}

/// Inline event handlers (`onclick`, `onload`, …) are code, never content.
pub fn is_event_handler(name: &str) -> bool {
    name.len() > 2 && name.as_bytes()[..2].eq_ignore_ascii_case(b"on")
}

/// Attributes that hold one URL, made absolute so the snapshot renders away from the page.
pub fn is_url_attribute(name: &str) -> bool {
    matches!(
        name,
        "src" | "href" | "poster" | "action" | "formaction" | "background" | "data" | "xlink:href"
    )
}

/// A URL that runs code when followed; dropped rather than rewritten.
pub fn is_script_url(value: &str) -> bool {
    let v = value.trim_start();
    v.len() >= 11 && v.as_bytes()[..11].eq_ignore_ascii_case(b"javascript:")
}

/// Attributes whose text a person reads on the page, masked with the text inside a masked element.
pub fn is_text_attribute(name: &str) -> bool {
    matches!(
        name,
        "alt" | "title" | "placeholder" | "aria-label" | "aria-description" | "label" | "value"
    )
}

/// `data-*` attributes: where apps keep the values they render, and what a stylesheet can draw
/// (`content: attr(data-amount)`). Masked inside a masked element in the DOM snapshot, which a
/// viewer rebuilds with the page's stylesheets; the screenshot empties generated text instead
/// and keeps them, so the page's `[data-…]` rules still style what it draws.
pub fn is_data_attribute(name: &str) -> bool {
    name.starts_with("data-")
}

/// Attributes that hold what the user typed or chose; the walker writes masked versions itself.
pub fn is_input_state_attribute(name: &str) -> bool {
    matches!(name, "value" | "checked" | "selected")
}

/// Whether an `<input type=…>` of this type shows a number, date or time as text, so that a
/// masked value (`*`s) set on it would be dropped by the browser. (A masked range or colour
/// falls back to the middle or to black, which tells nothing either.)
pub fn drops_masks(input_type: &str) -> bool {
    ["number", "date", "datetime-local", "month", "week", "time"]
        .iter()
        .any(|t| t.eq_ignore_ascii_case(input_type.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks_are_dropped_by_number_and_date_fields_only() {
        for t in [
            "number",
            "DATE",
            " time ",
            "datetime-local",
            "month",
            "week",
        ] {
            assert!(drops_masks(t), "{t}");
        }
        for t in ["text", "email", "tel", "search", "range", "color", ""] {
            assert!(!drops_masks(t), "{t}");
        }
    }

    #[test]
    fn marks_come_from_our_attributes_and_class_tokens_only() {
        assert!(Marks::of_attribute("data-bugcap-block", "").block);
        assert!(Marks::of_attribute("data-bugcap-mask", "").mask);
        assert!(Marks::of_attribute("class", "card bugcap-block wide").block);
        assert!(Marks::of_attribute("class", "x\tbugcap-mask").mask);
        assert_eq!(
            Marks::of_attribute("class", "bugcap-blocked"),
            Marks::default()
        );
        assert_eq!(Marks::of_attribute("id", "bugcap-block"), Marks::default());
    }

    #[test]
    fn input_kinds() {
        assert_eq!(InputKind::of(Some("PassWord")), InputKind::Password);
        assert_eq!(InputKind::of(Some(" password ")), InputKind::Password);
        assert_eq!(InputKind::of(Some("radio")), InputKind::Choice);
        assert_eq!(InputKind::of(Some("submit")), InputKind::Button);
        assert_eq!(InputKind::of(Some("hidden")), InputKind::Text);
        assert_eq!(InputKind::of(None), InputKind::Text);
    }

    #[test]
    fn entered_values_are_hidden_as_the_masking_says() {
        let input = |t| InputKind::of_element("input", &[("type".to_owned(), t)]);
        assert_eq!(InputKind::of_element("div", &[]), None);
        assert!(value_hidden("input", input("password".into()), false));
        assert!(!value_hidden("input", input("submit".into()), true));
        for hidden in [
            value_hidden("input", input("text".into()), true),
            value_hidden("input", input("checkbox".into()), true),
            value_hidden("textarea", None, true),
            value_hidden("select", None, true),
        ] {
            assert!(hidden);
        }
        assert!(!value_hidden("input", input("checkbox".into()), false));
        assert!(!value_hidden("textarea", None, false));
        assert!(!value_hidden("div", None, true));
    }

    #[test]
    fn mask_keeps_shape_only() {
        assert_eq!(mask("Jane Doe\n42"), "**** ***\n**");
        assert_eq!(mask("ünï"), "***");
    }

    #[test]
    fn handlers_and_script_urls() {
        assert!(is_event_handler("onclick"));
        assert!(is_event_handler("ONLOAD"));
        assert!(!is_event_handler("on"));
        assert!(is_script_url("  JavaScript:alert(1)"));
        assert!(!is_script_url("https://x"));
    }
}
