//! What the report dialog looks like: its elements as a [`view`](crate::ui::view) tree, and the
//! handles the controller ([`super::Dialog`]) drives. Behaviour lives in the controller; the
//! parts that depend on the options (categories, the e-mail field, the screenshot area) are
//! filled in or left out here, once, when the view is built.

use wasm_bindgen::JsCast;
use web_sys::{
    Document, Element, HtmlDialogElement, HtmlImageElement, HtmlInputElement, HtmlSelectElement,
    HtmlTextAreaElement,
};

use crate::strings::Text;
use crate::ui::dom::text_el;
use crate::ui::view::{self, Node, Value::Is, Value::Ui, leaf, node};

// The parts of the tree the controller keeps, by number.
const DIALOG: u8 = 1;
const FORM: u8 = 2;
const TITLE: u8 = 3;
const CLOSE: u8 = 4;
const BODY: u8 = 5;
const TEXT: u8 = 6;
const TEXT_ERROR: u8 = 7;
const CATEGORY_GROUP: u8 = 8;
const CATEGORY: u8 = 9;
const SEVERITY: u8 = 10;
const EMAIL_GROUP: u8 = 11;
const EMAIL: u8 = 12;
const SHOT: u8 = 13;
const FRAME: u8 = 14;
const PREVIEW: u8 = 15;
const SHOT_NOTE: u8 = 16;
const SHOT_ACTIONS: u8 = 17;
const INCLUDE: u8 = 18;
const ANNOTATE: u8 = 19;
const STATUS: u8 = 20;
const FOOTER: u8 = 21;
const CANCEL: u8 = 22;
const SEND: u8 = 23;
const PARTS: u8 = 23;

/// `<option value=…>label</option>`.
macro_rules! option {
    ($value:literal, $label:ident) => {
        leaf("option", &[("value", Is($value))], Ui(Text::$label))
    };
}

const TREE: Node = node(
    "dialog",
    &[("aria-labelledby", Is("bc-title")), ("part", Is("dialog"))],
    &[node(
        "form",
        &[("novalidate", Is(""))],
        &[
            node(
                "header",
                &[],
                &[
                    leaf("h2", &[("id", Is("bc-title"))], Ui(Text::Title)).part(TITLE),
                    leaf(
                        "button",
                        &[
                            ("type", Is("button")),
                            ("class", Is("icon")),
                            ("aria-label", Ui(Text::Close)),
                        ],
                        Is("×"),
                    )
                    .part(CLOSE),
                ],
            ),
            node(
                "div",
                &[("class", Is("body"))],
                &[
                    node(
                        "div",
                        &[],
                        &[
                            leaf("label", &[("for", Is("bc-text"))], Ui(Text::Description)),
                            node(
                                "textarea",
                                &[
                                    ("id", Is("bc-text")),
                                    ("required", Is("")),
                                    ("aria-required", Is("true")),
                                    ("aria-describedby", Is("bc-text-error")),
                                    ("maxlength", Is("20000")),
                                    ("placeholder", Ui(Text::DescriptionPlaceholder)),
                                ],
                                &[],
                            )
                            .part(TEXT),
                            node(
                                "p",
                                &[
                                    ("id", Is("bc-text-error")),
                                    ("class", Is("error")),
                                    ("hidden", Is("")),
                                ],
                                &[],
                            )
                            .part(TEXT_ERROR),
                        ],
                    ),
                    node(
                        "div",
                        &[("class", Is("row"))],
                        &[
                            node(
                                "div",
                                &[],
                                &[
                                    leaf(
                                        "label",
                                        &[("for", Is("bc-category"))],
                                        Ui(Text::Category),
                                    ),
                                    node(
                                        "select",
                                        &[("id", Is("bc-category"))],
                                        &[option!("", CategoryPlaceholder)],
                                    )
                                    .part(CATEGORY),
                                ],
                            )
                            .part(CATEGORY_GROUP),
                            node(
                                "div",
                                &[],
                                &[
                                    leaf(
                                        "label",
                                        &[("for", Is("bc-severity"))],
                                        Ui(Text::Severity),
                                    ),
                                    node(
                                        "select",
                                        &[("id", Is("bc-severity"))],
                                        &[
                                            option!("", SeverityNone),
                                            option!("low", SeverityLow),
                                            option!("medium", SeverityMedium),
                                            option!("high", SeverityHigh),
                                            option!("critical", SeverityCritical),
                                        ],
                                    )
                                    .part(SEVERITY),
                                ],
                            ),
                        ],
                    ),
                    node(
                        "div",
                        &[],
                        &[
                            leaf("label", &[("for", Is("bc-email"))], Ui(Text::Email)),
                            node(
                                "input",
                                &[
                                    ("id", Is("bc-email")),
                                    ("type", Is("email")),
                                    ("autocomplete", Is("email")),
                                ],
                                &[],
                            )
                            .part(EMAIL),
                        ],
                    )
                    .part(EMAIL_GROUP),
                    node(
                        "div",
                        &[("class", Is("shot"))],
                        &[
                            // The preview's frame keeps its place while the screenshot is taken.
                            node(
                                "div",
                                &[("class", Is("preview"))],
                                &[node(
                                    "img",
                                    &[("alt", Ui(Text::IncludeScreenshot)), ("hidden", Is(""))],
                                    &[],
                                )
                                .part(PREVIEW)],
                            )
                            .part(FRAME),
                            // Says from the start what is happening, and keeps the line the
                            // size note will take.
                            leaf(
                                "p",
                                &[("class", Is("hint")), ("aria-live", Is("polite"))],
                                Ui(Text::TakingScreenshot),
                            )
                            .part(SHOT_NOTE),
                            node(
                                "div",
                                &[("class", Is("shot-actions"))],
                                &[
                                    node(
                                        "label",
                                        &[("class", Is("check"))],
                                        &[
                                            node(
                                                "input",
                                                &[
                                                    ("type", Is("checkbox")),
                                                    ("id", Is("bc-include")),
                                                    ("checked", Is("")),
                                                ],
                                                &[],
                                            )
                                            .part(INCLUDE),
                                            leaf("span", &[], Ui(Text::IncludeScreenshot)),
                                        ],
                                    ),
                                    leaf(
                                        "button",
                                        &[
                                            ("type", Is("button")),
                                            ("id", Is("bc-annotate")),
                                            ("disabled", Is("")),
                                        ],
                                        Ui(Text::Annotate),
                                    )
                                    .part(ANNOTATE),
                                ],
                            )
                            .part(SHOT_ACTIONS),
                        ],
                    )
                    .part(SHOT),
                    node("p", &[("class", Is("status")), ("role", Is("status"))], &[]).part(STATUS),
                ],
            )
            .part(BODY),
            node(
                "footer",
                &[],
                &[
                    leaf("button", &[("type", Is("button"))], Ui(Text::Cancel)).part(CANCEL),
                    leaf(
                        "button",
                        &[("type", Is("submit")), ("class", Is("primary"))],
                        Ui(Text::Send),
                    )
                    .part(SEND),
                ],
            )
            .part(FOOTER),
        ],
    )
    .part(FORM)],
)
.part(DIALOG);

/// The dialog's elements.
pub struct View {
    pub dialog: HtmlDialogElement,
    pub form: Element,
    pub title: Element,
    pub close: Element,
    pub body: Element,
    pub text: HtmlTextAreaElement,
    pub text_error: Element,
    /// `None` when the host gave no categories.
    pub category: Option<HtmlSelectElement>,
    pub severity: HtmlSelectElement,
    /// `None` unless the host asks for an e-mail address and the page did not identify the user.
    pub email: Option<HtmlInputElement>,
    /// The screenshot area: the preview and its controls (unless screenshots are off), and the
    /// attachment picker.
    pub shot: Element,
    pub include: HtmlInputElement,
    /// The preview's frame, whose place is kept while the screenshot is taken.
    pub frame: Element,
    pub preview: HtmlImageElement,
    pub shot_note: Element,
    pub annotate: Element,
    pub status: Element,
    pub footer: Element,
    pub cancel: Element,
    pub send: Element,
}

/// What the options decide about the dialog's form.
pub struct Shape<'a> {
    pub categories: &'a [String],
    pub ask_email: bool,
    pub screenshot: bool,
}

impl View {
    pub fn build(doc: &Document, t: &dyn Fn(Text) -> String, shape: Shape<'_>) -> View {
        let (_, mut parts) = view::build(doc, &TREE, t, PARTS);
        let category_group = parts.take(CATEGORY_GROUP);
        let category = parts.take(CATEGORY);
        let email_group = parts.take(EMAIL_GROUP);
        let email = parts.take(EMAIL);
        let frame = parts.take(FRAME);
        let shot_note = parts.take(SHOT_NOTE);
        let shot_actions = parts.take(SHOT_ACTIONS);
        let category = if shape.categories.is_empty() {
            category_group.remove();
            None
        } else {
            for c in shape.categories {
                let _ = category.append_child(&text_el(doc, "option", &[("value", c)], c));
            }
            Some(category.unchecked_into())
        };
        let email = if shape.ask_email {
            Some(email.unchecked_into())
        } else {
            email_group.remove();
            None
        };
        if !shape.screenshot {
            for part in [&frame, &shot_note, &shot_actions] {
                part.remove();
            }
        }
        View {
            dialog: parts.take(DIALOG).unchecked_into(),
            form: parts.take(FORM),
            title: parts.take(TITLE),
            close: parts.take(CLOSE),
            body: parts.take(BODY),
            text: parts.take(TEXT).unchecked_into(),
            text_error: parts.take(TEXT_ERROR),
            category,
            severity: parts.take(SEVERITY).unchecked_into(),
            email,
            shot: parts.take(SHOT),
            include: parts.take(INCLUDE).unchecked_into(),
            frame,
            preview: parts.take(PREVIEW).unchecked_into(),
            shot_note,
            annotate: parts.take(ANNOTATE),
            status: parts.take(STATUS),
            footer: parts.take(FOOTER),
            cancel: parts.take(CANCEL),
            send: parts.take(SEND),
        }
    }
}

const DONE: Node = node(
    "div",
    &[("class", Is("done")), ("role", Is("status"))],
    &[
        node("p", &[("id", Is("bc-done-message"))], &[]).part(1),
        leaf("p", &[("class", Is("hint"))], Ui(Text::ReportId)),
        node("code", &[("id", Is("bc-report-id"))], &[]).part(2),
    ],
);

const CLOSE_BUTTON: Node = leaf(
    "button",
    &[("type", Is("button")), ("class", Is("primary"))],
    Ui(Text::Close),
);

/// The thank-you screen for the report `id`, saying `message`, and its Close button:
/// `(screen, close)`.
pub fn done(
    doc: &Document,
    t: &dyn Fn(Text) -> String,
    message: &str,
    id: &str,
) -> (Element, Element) {
    let (screen, mut parts) = view::build(doc, &DONE, t, 2);
    parts.take(1).set_text_content(Some(message));
    parts.take(2).set_text_content(Some(id));
    let (close, _) = view::build(doc, &CLOSE_BUTTON, t, 0);
    (screen, close)
}
