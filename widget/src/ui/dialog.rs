//! The report dialog: a native modal `<dialog>` in the widget's shadow root (the top layer, so
//! no host z-index covers it; the rest of the page is inert while it is open). Text, optional
//! category, severity and email, the screenshot with its editor, an image attachment, a preview
//! of what will be sent, then sending with progress, the outbox when offline, and the report id.
//!
//! Keyboard: focus starts in the text field, Tab is kept inside the dialog, Escape closes, and
//! focus returns to where it was when the dialog closes.

use std::cell::RefCell;
use std::rc::Rc;

use bugcap_protocol::Severity;
use bugcap_protocol::redact::Redactor;
use bugcap_protocol::search::replace;
use wasm_bindgen::prelude::*;
use web_sys::{
    Document, Element, HtmlCanvasElement, HtmlDialogElement, HtmlElement, HtmlImageElement,
    HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement, ShadowRoot,
};

use super::attachment::Picker;
use super::details::Details;
use super::dom::{self, Listeners, append, el, text_el};
use super::editor;
use crate::annotate::Picture;
use crate::config::{Options, ScreenshotMode, SubmitInput};
use crate::error::WidgetError;
use crate::report::{self, Extras};
use crate::reporter::{self, finish, send_built};
use crate::screenshot::encode::Encoded;
use crate::send::{Outcome, Step};
use crate::strings::{self, Text};
use crate::transport::ORIGIN_NOT_ALLOWED;

const CSS: &str = include_str!(concat!(env!("OUT_DIR"), "/dialog.css"));

thread_local! {
    /// The dialog's stylesheet, made once: every later open adopts the same sheet.
    static SHEET: RefCell<Option<web_sys::CssStyleSheet>> = const { RefCell::new(None) };
}

fn sheet() -> Result<web_sys::CssStyleSheet, WidgetError> {
    if let Some(sheet) = SHEET.with_borrow(|s| s.clone()) {
        return Ok(sheet);
    }
    let sheet = dom::sheet(CSS)?;
    SHEET.with_borrow_mut(|s| *s = Some(sheet.clone()));
    Ok(sheet)
}

thread_local! {
    static OPEN: RefCell<Option<Rc<Dialog>>> = const { RefCell::new(None) };
    /// What the user typed in a dialog they closed without sending: the next one opens with it.
    static DRAFT: RefCell<Option<Draft>> = const { RefCell::new(None) };
    /// Set while `open` waits for the browser's tab capture, so a second `open` does not ask
    /// the user twice.
    static CAPTURING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Opens the report dialog in `root` (the shadow root the capture module mounted). `captured`
/// returns what the capture module recorded; it is called when the user sends, so the report
/// shows the page as it was then. `texts` is the page's locale file (an object of the
/// `strings` keys) when the page is not in English, else `undefined`. Opening it again while it
/// is open only focuses it.
#[wasm_bindgen]
pub async fn open(
    checked: String,
    options: JsValue,
    root: ShadowRoot,
    captured: js_sys::Function,
    texts: JsValue,
) -> Result<(), JsValue> {
    if let Some(open) = OPEN.with_borrow(|o| o.clone()) {
        open.text.focus().ok();
        return Ok(());
    }
    if CAPTURING.get() {
        return Ok(());
    }
    let options = Options::from_checked(&checked, &options)?;
    let redactor = reporter::redactor(&options.redaction)?;
    // Real pixels are taken before the dialog shows (the browser asks first, and the dialog is
    // not part of the page); the DOM render runs while the user starts typing.
    let shot = if options.ui.screenshot == ScreenshotMode::Display {
        CAPTURING.set(true);
        let shot = crate::screenshot::capture(options.ui.screenshot, &options.masking()).await;
        CAPTURING.set(false);
        // `destroy()` while the browser was asking: there is no widget to show a dialog in.
        if !root.host().is_connected() {
            return Ok(());
        }
        Some(shot)
    } else {
        None
    };
    let texts = strings::KEYS
        .iter()
        .map(|key| crate::object::string(&texts, key))
        .collect();
    let dialog =
        Dialog::build(options, texts, redactor, root, captured).map_err(WidgetError::into_js)?;
    OPEN.with_borrow_mut(|o| *o = Some(dialog.clone()));
    dialog.show(shot);
    Ok(())
}

/// Closes the dialog if it is open.
#[wasm_bindgen]
pub fn close() {
    if let Some(open) = OPEN.with_borrow(|o| o.clone()) {
        open.dismiss();
    }
}

/// The dialog's elements and state.
pub struct Dialog {
    options: Options,
    redactor: Redactor,
    captured: js_sys::Function,
    /// The locale file's strings, by [`Text`]; `None` where it has none.
    texts: Vec<Option<String>>,
    doc: Document,
    dialog: HtmlDialogElement,
    form: Element,
    header_title: Element,
    body: Element,
    footer: Element,
    text: HtmlTextAreaElement,
    text_error: Element,
    category: Option<HtmlSelectElement>,
    severity: HtmlSelectElement,
    email: Option<HtmlInputElement>,
    include: HtmlInputElement,
    /// The preview's frame, whose place is kept while the screenshot is taken.
    frame: Element,
    preview: HtmlImageElement,
    shot_note: Element,
    annotate: Element,
    attachment: Picker,
    details: Details,
    status: Element,
    send: Element,
    cancel: Element,
    previous_focus: Option<HtmlElement>,
    state: RefCell<State>,
    listeners: RefCell<Listeners>,
    /// What Escape does instead of closing the dialog. An `Rc`, so the handler is called from
    /// a clone and not through a borrow: it replaces itself (`set_escape`) as it runs.
    escape: RefCell<Option<Rc<dyn Fn()>>>,
}

/// Longest a Send waits for the screenshot still being taken before sending without it.
const SHOT_WAIT_MS: f64 = 15_000.0;

#[derive(Default)]
struct State {
    picture: Option<Rc<RefCell<Picture>>>,
    /// The picture as last encoded, and the revision of its shapes it shows.
    encoded: Option<(u64, Encoded)>,
    preview_url: Option<String>,
    /// The screenshot being taken (settled once it is shown or has failed): a Send pressed
    /// before then waits for it rather than sending the report without the picture the
    /// checked box promises.
    taking: Option<js_sys::Promise>,
    sending: bool,
    /// Set once the report was sent or queued: nothing is left to keep as a draft.
    done: bool,
}

/// The fields the user fills in: what is sent, and the draft of a dialog closed without sending.
#[derive(Default)]
struct Draft {
    text: String,
    category: String,
    severity: String,
    email: String,
}

impl Dialog {
    /// The UI string `text`, from the host's `strings` or the locale.
    fn t(&self, text: Text) -> String {
        lookup(&self.options, &self.texts, text)
    }

    fn build(
        options: Options,
        texts: Vec<Option<String>>,
        redactor: Redactor,
        root: ShadowRoot,
        captured: js_sys::Function,
    ) -> Result<Rc<Dialog>, WidgetError> {
        let doc = dom::document()?;
        dom::adopt(&root, &sheet()?);
        let t = |text: Text| lookup(&options, &texts, text);
        let dialog: HtmlDialogElement = el(
            &doc,
            "dialog",
            &[("aria-labelledby", "bc-title"), ("part", "dialog")],
        )
        .unchecked_into();
        let form = el(&doc, "form", &[("novalidate", "")]);
        let header = el(&doc, "header", &[]);
        let header_title = text_el(&doc, "h2", &[("id", "bc-title")], &t(Text::Title));
        let close_button = text_el(
            &doc,
            "button",
            &[
                ("type", "button"),
                ("class", "icon"),
                ("aria-label", &t(Text::Close)),
            ],
            "×",
        );
        append(&header, &[&header_title, &close_button]);

        let body = el(&doc, "div", &[("class", "body")]);
        let text_label = text_el(&doc, "label", &[("for", "bc-text")], &t(Text::Description));
        let text: HtmlTextAreaElement = el(
            &doc,
            "textarea",
            &[
                ("id", "bc-text"),
                ("required", ""),
                ("aria-required", "true"),
                ("aria-describedby", "bc-text-error"),
                ("maxlength", "20000"),
                ("placeholder", &t(Text::DescriptionPlaceholder)),
            ],
        )
        .unchecked_into();
        let text_error = el(
            &doc,
            "p",
            &[("id", "bc-text-error"), ("class", "error"), ("hidden", "")],
        );
        let text_group = el(&doc, "div", &[]);
        append(&text_group, &[&text_label, &text, &text_error]);
        append(&body, &[&text_group]);

        let row = el(&doc, "div", &[("class", "row")]);
        let category = if options.ui.categories.is_empty() {
            None
        } else {
            let group = el(&doc, "div", &[]);
            let label = text_el(&doc, "label", &[("for", "bc-category")], &t(Text::Category));
            let select: HtmlSelectElement =
                el(&doc, "select", &[("id", "bc-category")]).unchecked_into();
            append(
                select.as_ref(),
                &[&text_el(
                    &doc,
                    "option",
                    &[("value", "")],
                    &t(Text::CategoryPlaceholder),
                )],
            );
            for c in &options.ui.categories {
                append(
                    select.as_ref(),
                    &[&text_el(&doc, "option", &[("value", c)], c)],
                );
            }
            append(&group, &[&label, select.as_ref()]);
            append(&row, &[&group]);
            Some(select)
        };
        let severity_group = el(&doc, "div", &[]);
        let severity_label = text_el(&doc, "label", &[("for", "bc-severity")], &t(Text::Severity));
        let severity: HtmlSelectElement =
            el(&doc, "select", &[("id", "bc-severity")]).unchecked_into();
        for (value, label) in [
            ("", Text::SeverityNone),
            ("low", Text::SeverityLow),
            ("medium", Text::SeverityMedium),
            ("high", Text::SeverityHigh),
            ("critical", Text::SeverityCritical),
        ] {
            append(
                severity.as_ref(),
                &[&text_el(&doc, "option", &[("value", value)], &t(label))],
            );
        }
        append(&severity_group, &[&severity_label, severity.as_ref()]);
        append(&row, &[&severity_group]);
        append(&body, &[&row]);

        let captured_now =
            reporter::read_captured(captured.call0(&JsValue::NULL).map_err(|_| {
                WidgetError::Environment("the capture module is not running (call init)".into())
            })?)
            .map_err(|_| WidgetError::Environment("captured data unreadable".into()))?;
        let email = if options.ui.ask_email && captured_now.identity.is_none() {
            let group = el(&doc, "div", &[]);
            let label = text_el(&doc, "label", &[("for", "bc-email")], &t(Text::Email));
            let input: HtmlInputElement = el(
                &doc,
                "input",
                &[
                    ("id", "bc-email"),
                    ("type", "email"),
                    ("autocomplete", "email"),
                ],
            )
            .unchecked_into();
            append(&group, &[&label, input.as_ref()]);
            append(&body, &[&group]);
            Some(input)
        } else {
            None
        };

        let shot_box = el(&doc, "div", &[("class", "shot")]);
        let include_label = el(&doc, "label", &[("class", "check")]);
        let include: HtmlInputElement =
            el(&doc, "input", &[("type", "checkbox"), ("id", "bc-include")]).unchecked_into();
        include.set_checked(true);
        append(&include_label, &[include.as_ref()]);
        let _ = include_label.append_with_str_1(&t(Text::IncludeScreenshot));
        let frame = el(&doc, "div", &[("class", "preview")]);
        let preview: HtmlImageElement = el(
            &doc,
            "img",
            &[("alt", &t(Text::IncludeScreenshot)), ("hidden", "")],
        )
        .unchecked_into();
        append(&frame, &[preview.as_ref()]);
        // Says from the start what is happening, and keeps the line the size note will take.
        let shot_note = text_el(
            &doc,
            "p",
            &[("class", "hint"), ("aria-live", "polite")],
            &t(Text::TakingScreenshot),
        );
        let annotate = text_el(
            &doc,
            "button",
            &[("type", "button"), ("id", "bc-annotate"), ("disabled", "")],
            &t(Text::Annotate),
        );
        let actions = el(&doc, "div", &[("class", "shot-actions")]);
        append(&actions, &[&include_label, &annotate]);
        let attachment = Picker::build(dialog.as_ref(), &t);
        if options.ui.screenshot == ScreenshotMode::Off {
            append(&shot_box, &[&attachment.root()]);
        } else {
            append(
                &shot_box,
                &[&frame, &shot_note, &actions, &attachment.root()],
            );
        }
        append(&body, &[&shot_box]);
        drop(shot_box);

        let details = Details::build(&doc, &t, &captured_now, &redactor, options.dom_snapshot);
        append(&body, &[details.element()]);
        let status = el(&doc, "p", &[("class", "status"), ("role", "status")]);
        append(&body, &[&status]);

        let footer = el(&doc, "footer", &[]);
        let cancel = text_el(&doc, "button", &[("type", "button")], &t(Text::Cancel));
        let send = text_el(
            &doc,
            "button",
            &[("type", "submit"), ("class", "primary")],
            &t(Text::Send),
        );
        append(&footer, &[&cancel, &send]);
        append(&form, &[&header, &body, &footer]);
        append(dialog.as_ref(), &[&form]);
        let _ = root.append_child(&dialog);

        let this = Rc::new(Dialog {
            options,
            redactor,
            captured,
            texts,
            doc: doc.clone(),
            dialog,
            form,
            header_title,
            body,
            footer,
            text,
            text_error,
            category,
            severity,
            email,
            include,
            frame,
            preview,
            shot_note,
            annotate,
            attachment,
            details,
            status,
            send,
            cancel,
            previous_focus: deep_active_element(&doc),
            state: RefCell::new(State::default()),
            listeners: RefCell::new(Listeners::default()),
            escape: RefCell::new(None),
        });
        this.restore_draft();
        this.wire(&close_button);
        Ok(this)
    }

    fn wire(self: &Rc<Self>, close_button: &Element) {
        let mut l = self.listeners.borrow_mut();
        let me = Rc::downgrade(self);
        let on = move |f: fn(&Rc<Dialog>, web_sys::Event)| {
            let me = me.clone();
            move |event: web_sys::Event| {
                if let Some(d) = me.upgrade() {
                    f(&d, event)
                }
            }
        };
        l.on(close_button, "click", on(|d, _| d.dismiss()));
        l.on(&self.cancel, "click", on(|d, _| d.dismiss()));
        l.on(
            &self.form,
            "submit",
            on(|d, e| {
                e.prevent_default();
                let d = d.clone();
                wasm_bindgen_futures::spawn_local(async move { d.send().await });
            }),
        );
        l.on(&self.dialog, "close", on(|d, _| d.closed()));
        l.on(
            &self.dialog,
            "cancel",
            on(|d, e| {
                // Cloned out first: the handler calls `set_escape`, which needs the cell free.
                let leave = d.escape.borrow().clone();
                if let Some(leave) = leave {
                    e.prevent_default();
                    leave();
                }
            }),
        );
        l.on(&self.dialog, "keydown", on(|d, e| d.trap_focus(e)));
        l.on(
            &self.text,
            "input",
            on(|d, _| {
                d.text_ok();
            }),
        );
        l.on(
            &self.include,
            "change",
            on(|d, _| d.refresh_shot_controls()),
        );
        l.on(
            &self.annotate,
            "click",
            on(|d, _| {
                let picture = d.state.borrow().picture.clone();
                if let Some(picture) = picture {
                    editor::open(d.clone(), picture);
                }
            }),
        );
        if let Some((view, _)) = &self.details.snapshot_view {
            l.on(view, "toggle", on(|d, _| d.show_snapshot()));
        }
    }

    /// Shows the dialog, with `shot` when the screenshot was taken before (else one is taken
    /// now, unless screenshots are off).
    fn show(self: &Rc<Self>, shot: Option<Result<HtmlCanvasElement, WidgetError>>) {
        if self.dialog.show_modal().is_err() {
            // Not connected or already open elsewhere: show it non-modally rather than not at all.
            self.dialog.set_open(true);
        }
        self.text.focus().ok();
        if let Some(hook) = &self.options.ui.hooks.on_open {
            let _ = hook.call0(&JsValue::NULL);
        }
        if self.options.ui.screenshot != ScreenshotMode::Off {
            let me = self.clone();
            let taking = wasm_bindgen_futures::future_to_promise(async move {
                me.take_screenshot(shot).await;
                Ok(JsValue::UNDEFINED)
            });
            self.state.borrow_mut().taking = Some(taking);
        }
    }

    async fn take_screenshot(self: Rc<Self>, shot: Option<Result<HtmlCanvasElement, WidgetError>>) {
        self.shot_note
            .set_text_content(Some(&self.t(Text::TakingScreenshot)));
        let shot = match shot {
            Some(shot) => shot,
            None => {
                crate::screenshot::capture(self.options.ui.screenshot, &self.options.masking())
                    .await
            }
        };
        match shot {
            Ok(canvas) => {
                let picture = Rc::new(RefCell::new(Picture::new(canvas)));
                self.state.borrow_mut().picture = Some(picture);
                self.picture_changed().await;
            }
            Err(e) => {
                // The user sees that there is none; the engineer looking at the console, why.
                web_sys::console::warn_1(&e.message().into());
                self.shot_note
                    .set_text_content(Some(&self.t(Text::ScreenshotFailed)));
                self.include.set_checked(false);
                self.include.set_disabled(true);
            }
        }
    }

    /// The picture encoded as it is now: the last encoding when the shapes have not changed
    /// since, else a new one (kept for next time).
    async fn encoded(&self, picture: &RefCell<Picture>) -> Result<Encoded, WidgetError> {
        let revision = picture.borrow().revision();
        if let Some((done, encoded)) = &self.state.borrow().encoded
            && *done == revision
        {
            return Ok(encoded.clone());
        }
        let canvas = picture.borrow().render()?;
        let ui = &self.options.ui;
        let encoded = crate::screenshot::encode::encode(
            &canvas,
            ui.max_screenshot_dimension,
            ui.screenshot_format,
        )
        .await?;
        self.state.borrow_mut().encoded = Some((revision, encoded.clone()));
        Ok(encoded)
    }

    /// Encodes the screenshot after it was taken or edited, and shows it with its size.
    async fn picture_changed(self: &Rc<Self>) {
        let Some(picture) = self.state.borrow().picture.clone() else {
            return;
        };
        match self.encoded(&picture).await {
            Ok(encoded) => {
                let url = web_sys::Url::create_object_url_with_blob(&encoded.blob).ok();
                if let Some(url) = &url {
                    self.preview.set_src(url);
                    self.preview.remove_attribute("hidden").ok();
                }
                let size = replace(
                    &self.t(Text::ScreenshotSize),
                    "{size}",
                    &super::attachment::human_size(encoded.bytes.len() as f64),
                );
                self.shot_note.set_text_content(Some(&size));
                let mut state = self.state.borrow_mut();
                if let Some(old) = std::mem::replace(&mut state.preview_url, url) {
                    let _ = web_sys::Url::revoke_object_url(&old);
                }
            }
            Err(_) => {
                self.shot_note
                    .set_text_content(Some(&self.t(Text::ScreenshotFailed)));
            }
        }
        self.refresh_shot_controls();
    }

    fn refresh_shot_controls(&self) {
        let has_picture = self.state.borrow().picture.is_some();
        self.annotate
            .toggle_attribute_with_force("disabled", !(has_picture && self.include.checked()))
            .ok();
        self.frame
            .toggle_attribute_with_force("hidden", !self.include.checked())
            .ok();
        self.preview
            .toggle_attribute_with_force("hidden", !has_picture)
            .ok();
    }

    /// Fills the snapshot's view with the snapshot as it would be sent now, when it is opened.
    fn show_snapshot(&self) {
        let Some((view, _)) = &self.details.snapshot_view else {
            return;
        };
        if !view.has_attribute("open") {
            return;
        }
        /// Enough to see what it holds; the whole snapshot can be megabytes.
        const SHOWN: usize = 20_000;
        let text = match crate::snapshot::take(&self.options.masking(), &self.redactor) {
            Ok(snapshot) => {
                let mut cut = false;
                let mut text = crate::text::clip(snapshot.json, SHOWN, &mut cut);
                if cut {
                    text.push_str(" …");
                }
                text
            }
            Err(e) => e.message(),
        };
        self.details.show_snapshot(&text);
    }

    /// Fills the form from the draft of a dialog closed without sending.
    fn restore_draft(&self) {
        let Some(draft) = DRAFT.with_borrow_mut(Option::take) else {
            return;
        };
        self.text.set_value(&draft.text);
        self.severity.set_value(&draft.severity);
        if let Some(category) = &self.category {
            category.set_value(&draft.category);
        }
        if let Some(email) = &self.email {
            email.set_value(&draft.email);
        }
    }

    /// What the user filled in, as it is now.
    fn fields(&self) -> Draft {
        let value = |select: &Option<HtmlSelectElement>| select.as_ref().map(|c| c.value());
        Draft {
            text: self.text.value(),
            category: value(&self.category).unwrap_or_default(),
            severity: self.severity.value(),
            email: self.email.as_ref().map(|e| e.value()).unwrap_or_default(),
        }
    }

    /// Keeps what the user typed for the next dialog, unless it was sent or is empty.
    fn keep_draft(&self) {
        let draft = self.fields();
        let typed = !draft.text.trim().is_empty() || !draft.email.trim().is_empty();
        let keep = !self.state.borrow().done && typed;
        DRAFT.with_borrow_mut(|d| *d = keep.then_some(draft));
    }

    fn text_ok(&self) -> bool {
        let ok = !self.text.value().trim().is_empty();
        if ok {
            self.text.remove_attribute("aria-invalid").ok();
            self.text_error.set_attribute("hidden", "").ok();
        }
        ok
    }

    async fn send(self: Rc<Self>) {
        if self.state.borrow().sending {
            return;
        }
        if !self.text_ok() {
            self.text.set_attribute("aria-invalid", "true").ok();
            self.text_error
                .set_text_content(Some(&self.t(Text::DescriptionRequired)));
            self.text_error.remove_attribute("hidden").ok();
            self.text.focus().ok();
            return;
        }
        self.state.borrow_mut().sending = true;
        self.set_busy(true);
        self.set_status(&self.t(Text::Sending), false);
        let result = self.build_and_send().await;
        self.state.borrow_mut().sending = false;
        match result {
            Ok(Some((id, queued))) => self.show_done(&id, queued),
            Ok(None) => self.dismiss(),
            Err(failure) => {
                self.set_busy(false);
                let text = match failure {
                    Failure::Because(why) => replace(&self.t(Text::Failed), "{error}", &why),
                    Failure::Whole(text) => text,
                };
                self.set_status(&text, true);
            }
        }
    }

    /// Builds the report from the form and sends it. `Ok(Some((id, queued)))` when it was sent
    /// or queued, `Ok(None)` when `beforeSend` dropped it, `Err` when it failed.
    async fn build_and_send(self: &Rc<Self>) -> Result<Option<(String, bool)>, Failure> {
        let fields = self.fields();
        let input = SubmitInput {
            text: fields.text,
            category: Some(fields.category).filter(|c| !c.is_empty()),
            severity: Severity::from_name(&fields.severity),
            email: Some(fields.email.trim().to_owned()).filter(|e| !e.is_empty()),
            screenshot: false,
        };
        let captured = self
            .captured
            .call0(&JsValue::NULL)
            .map_err(|_| Failure::Because("the capture module is not running".to_owned()))?;
        let captured =
            reporter::read_captured(captured).map_err(|e| Failure::Because(js_text(&e)))?;
        let mut extras = Extras::default();
        let taking = self.state.borrow().taking.clone();
        if self.include.checked()
            && let Some(taking) = taking
        {
            // Every step of a shot gives up within seconds; this bound only guards the report
            // against one that never settles.
            let limit = wasm_bindgen_futures::future_to_promise(async {
                crate::transport::sleep(SHOT_WAIT_MS).await;
                Ok(JsValue::UNDEFINED)
            });
            let first = js_sys::Promise::race(&js_sys::Array::of2(&taking, &limit));
            let _ = wasm_bindgen_futures::JsFuture::from(first).await;
        }
        let picture = self.state.borrow().picture.clone();
        if self.include.checked()
            && let Some(picture) = picture
        {
            // The picture as it is now, even when the preview is still catching up with the
            // last edit.
            let encoded = self
                .encoded(&picture)
                .await
                .map_err(|e| Failure::Because(e.message()))?;
            extras.files.push(reporter::screenshot_file(encoded));
            extras.annotations = picture.borrow().annotations();
        }
        if let Some(file) = self.attachment.file().await.map_err(Failure::Because)? {
            extras.files.push(file);
        }
        extras.leave_out_dom = !self.details.send_snapshot();
        extras.leave_out_bodies = !self.details.send_bodies();
        let built = report::build(&self.options, &self.redactor, &input, captured, extras)
            .await
            .map_err(|e| Failure::Because(e.message()))?;
        let me = self.clone();
        let mut progress = move |step: Step| {
            let text = match step {
                Step::Report => me.t(Text::Sending),
                Step::Upload { name, .. } => replace(&me.t(Text::Uploading), "{name}", name),
            };
            me.set_status(&text, false);
        };
        let outcome = send_built(&self.options, &self.redactor, built, &mut progress).await;
        let summary = match &outcome {
            Ok(Outcome::Sent(a)) => Some((a.id.clone(), false)),
            Ok(Outcome::Queued { id }) => Some((id.clone(), true)),
            _ => None,
        };
        // A page whose origin the key does not allow can never send: the user is told so in
        // plain words (the developer got the details on the console), not promised a retry.
        let refused = matches!(&outcome, Err(e) if e.code() == ORIGIN_NOT_ALLOWED);
        // The hooks hear about it the same way as for `submit`.
        finish(&self.options, outcome).map_err(|e| {
            if refused {
                Failure::Whole(self.t(Text::OriginRefused))
            } else {
                Failure::Because(js_text(&e))
            }
        })?;
        Ok(summary)
    }

    fn show_done(self: &Rc<Self>, id: &str, queued: bool) {
        self.state.borrow_mut().done = true;
        let doc = &self.doc;
        let done = el(doc, "div", &[("class", "done"), ("role", "status")]);
        let message = if queued {
            self.t(Text::Queued)
        } else {
            self.t(Text::Sent)
        };
        append(
            &done,
            &[
                &text_el(doc, "p", &[("id", "bc-done-message")], &message),
                &text_el(doc, "p", &[("class", "hint")], &self.t(Text::ReportId)),
                &text_el(doc, "code", &[("id", "bc-report-id")], id),
            ],
        );
        self.body.replace_children_with_node_1(&done);
        self.dialog
            .set_attribute("data-state", if queued { "queued" } else { "sent" })
            .ok();
        self.dialog.set_attribute("data-report-id", id).ok();
        let close = text_el(
            doc,
            "button",
            &[("type", "button"), ("class", "primary")],
            &self.t(Text::Close),
        );
        self.footer.replace_children_with_node_1(&close);
        let me = Rc::downgrade(self);
        self.listeners.borrow_mut().on(&close, "click", move |_| {
            if let Some(d) = me.upgrade() {
                d.dismiss();
            }
        });
        if let Some(close) = close.dyn_ref::<HtmlElement>() {
            close.focus().ok();
        }
    }

    fn set_busy(&self, busy: bool) {
        for control in [&self.send, &self.cancel] {
            control.toggle_attribute_with_force("disabled", busy).ok();
        }
        self.form
            .set_attribute("aria-busy", if busy { "true" } else { "false" })
            .ok();
    }

    fn set_status(&self, text: &str, failed: bool) {
        self.status.set_text_content(Some(text));
        self.status
            .set_attribute("class", if failed { "status failed" } else { "status" })
            .ok();
    }

    /// Keeps Tab and Shift+Tab inside the dialog.
    fn trap_focus(&self, event: web_sys::Event) {
        let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        if key.key() != "Tab" {
            return;
        }
        let focusable = self.focusable();
        let (Some(first), Some(last)) = (focusable.first(), focusable.last()) else {
            return;
        };
        let active = self
            .dialog
            .get_root_node()
            .dyn_into::<ShadowRoot>()
            .ok()
            .and_then(|r| r.active_element());
        let at = |e: &HtmlElement| active.as_ref().is_some_and(|a| a == e.as_ref() as &Element);
        if key.shift_key() && (at(first) || active.is_none()) {
            event.prevent_default();
            last.focus().ok();
        } else if !key.shift_key() && at(last) {
            event.prevent_default();
            first.focus().ok();
        }
    }

    /// The dialog's controls that take focus, in order.
    fn focusable(&self) -> Vec<HtmlElement> {
        let selector = "button:not([disabled]),input:not([disabled]),select:not([disabled]),\
                        textarea:not([disabled]),summary,canvas[tabindex],[tabindex='0']";
        let Ok(list) = self.dialog.query_selector_all(selector) else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.get(i))
            .filter_map(|n| n.dyn_into::<HtmlElement>().ok())
            .filter(|e| e.get_client_rects().length() > 0)
            .collect()
    }

    /// Closes the dialog and finishes at once. The `close` event comes only with the next
    /// animation frame in Chromium: waiting for it would let an `open()` right after `close()`
    /// find the old dialog still registered, and then lose both.
    fn dismiss(&self) {
        self.dialog.close();
        self.closed();
    }

    /// After the dialog closed (button, Escape, `close()`): removed, focus returned, hook called.
    /// Runs once per dialog, whichever of `dismiss` and the `close` event comes first.
    fn closed(&self) {
        if !self.dialog.is_connected() {
            return;
        }
        OPEN.with_borrow_mut(|o| {
            if o.as_ref().is_some_and(|open| std::ptr::eq(&**open, self)) {
                *o = None;
            }
        });
        if let Some(url) = self.state.borrow_mut().preview_url.take() {
            let _ = web_sys::Url::revoke_object_url(&url);
        }
        self.attachment.dispose();
        self.keep_draft();
        self.dialog.remove();
        if let Some(previous) = &self.previous_focus {
            previous.focus().ok();
        }
        if let Some(hook) = &self.options.ui.hooks.on_close {
            let _ = hook.call0(&JsValue::NULL);
        }
        // Handlers hold only weak references to the dialog, but the editor's hold it strongly:
        // dropping them here frees both.
        self.escape.replace(None);
        self.listeners.replace(Listeners::default());
    }

    /// Swaps the form's content for the editor's (or back).
    fn set_editing(&self, editing: bool) {
        self.dialog
            .class_list()
            .toggle_with_force("editing", editing)
            .ok();
        self.header_title.set_text_content(Some(&self.t(if editing {
            Text::Annotate
        } else {
            Text::Title
        })));
        for part in [&self.body, &self.footer] {
            part.toggle_attribute_with_force("hidden", editing).ok();
        }
        if !editing && let Some(annotate) = self.annotate.dyn_ref::<HtmlElement>() {
            annotate.focus().ok();
        }
    }
}

impl editor::Host for Dialog {
    fn doc(&self) -> &Document {
        &self.doc
    }

    fn text(&self, text: Text) -> String {
        self.t(text)
    }

    /// The editor's view goes right after the header, in the form's place.
    fn show_editor(&self, view: &Element) {
        let _ = self.form.insert_before(view, Some(&self.body));
        self.set_editing(true);
    }

    fn listen(&self) -> std::cell::RefMut<'_, Listeners> {
        self.listeners.borrow_mut()
    }

    fn set_escape(&self, handler: Option<Rc<dyn Fn()>>) {
        self.escape.replace(handler);
    }

    fn editor_closed(self: Rc<Self>) {
        self.set_editing(false);
        wasm_bindgen_futures::spawn_local(async move { self.picture_changed().await });
    }
}

/// Why a send failed, as the status line shows it.
enum Failure {
    /// Shown inside the "could not be sent: {error}" sentence.
    Because(String),
    /// A sentence of its own.
    Whole(String),
}

/// The UI string `text`: the host's replacement from `strings`, else the locale file's, else
/// English.
fn lookup(options: &Options, texts: &[Option<String>], text: Text) -> String {
    strings::replacement(&options.ui.strings, text)
        .or_else(|| texts.get(text as usize)?.as_deref())
        .unwrap_or_else(|| strings::english(text))
        .to_owned()
}

fn js_text(e: &JsValue) -> String {
    crate::error::js_message(e).unwrap_or_else(|| "unknown error".into())
}

/// The focused element, looking into shadow roots (a focused custom element's inner control).
fn deep_active_element(doc: &Document) -> Option<HtmlElement> {
    let mut active = doc.active_element()?;
    while let Some(inner) = active.shadow_root().and_then(|r| r.active_element()) {
        active = inner;
    }
    active.dyn_into::<HtmlElement>().ok()
}
