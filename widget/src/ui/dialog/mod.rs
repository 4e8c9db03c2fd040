//! The report dialog: a native modal `<dialog>` in the widget's shadow root (the top layer, so
//! no host z-index covers it; the rest of the page is inert while it is open). Text, optional
//! category, severity and email, the screenshot with its editor, an image attachment, a preview
//! of what will be sent, then sending with progress, the outbox when offline, and the report id.
//!
//! Keyboard: focus starts in the text field, Tab is kept inside the dialog, Escape closes, and
//! focus returns to where it was when the dialog closes.
//!
//! This file is the controller: opening and closing, the screenshot and its preview, drafts,
//! focus. [`view`] is what the dialog looks like, [`send`] sends what the form holds, and
//! [`editing`] is the interface the screenshot editor drives the dialog through.

mod editing;
mod send;
mod view;

use std::cell::RefCell;
use std::rc::Rc;

use bugcap_protocol::redact::Redactor;
use bugcap_protocol::search::replace;
use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlCanvasElement, HtmlElement, HtmlSelectElement, ShadowRoot};

use super::attachment::Picker;
use super::details::Details;
use super::dom::{self, Listeners};
use super::editor;
use crate::annotate::Picture;
use crate::config::{Options, ScreenshotMode};
use crate::error::WidgetError;
use crate::reporter;
use crate::screenshot::encode::Encoded;
use crate::strings::{self, Text};
use view::{Shape, View};

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
        open.view.text.focus().ok();
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
    view: View,
    attachment: Picker,
    details: Details,
    previous_focus: Option<HtmlElement>,
    state: RefCell<State>,
    listeners: RefCell<Listeners>,
    /// What Escape does instead of closing the dialog. An `Rc`, so the handler is called from
    /// a clone and not through a borrow: it replaces itself (`set_escape`) as it runs.
    escape: RefCell<Option<Rc<dyn Fn()>>>,
}

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
        let captured_now =
            reporter::read_captured(captured.call0(&JsValue::NULL).map_err(|_| {
                WidgetError::Environment("the capture module is not running (call init)".into())
            })?)
            .map_err(|_| WidgetError::Environment("captured data unreadable".into()))?;
        let view = View::build(
            &doc,
            &t,
            Shape {
                categories: &options.ui.categories,
                ask_email: options.ui.ask_email && captured_now.identity.is_none(),
                screenshot: options.ui.screenshot != ScreenshotMode::Off,
            },
        );
        let attachment = Picker::build(view.dialog.as_ref(), &t);
        let _ = view.shot.append_child(&attachment.root());
        let details = Details::build(&doc, &t, &captured_now, &redactor, options.dom_snapshot);
        let _ = view
            .body
            .insert_before(details.element(), Some(&view.status));
        let _ = root.append_child(&view.dialog);

        let this = Rc::new(Dialog {
            options,
            redactor,
            captured,
            texts,
            previous_focus: deep_active_element(&doc),
            doc,
            view,
            attachment,
            details,
            state: RefCell::new(State::default()),
            listeners: RefCell::new(Listeners::default()),
            escape: RefCell::new(None),
        });
        this.restore_draft();
        this.wire();
        Ok(this)
    }

    fn wire(self: &Rc<Self>) {
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
        l.on(&self.view.close, "click", on(|d, _| d.dismiss()));
        l.on(&self.view.cancel, "click", on(|d, _| d.dismiss()));
        l.on(
            &self.view.form,
            "submit",
            on(|d, e| {
                e.prevent_default();
                let d = d.clone();
                wasm_bindgen_futures::spawn_local(async move { d.send().await });
            }),
        );
        l.on(&self.view.dialog, "close", on(|d, _| d.closed()));
        l.on(
            &self.view.dialog,
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
        l.on(&self.view.dialog, "keydown", on(|d, e| d.trap_focus(e)));
        l.on(
            &self.view.text,
            "input",
            on(|d, _| {
                d.text_ok();
            }),
        );
        l.on(
            &self.view.include,
            "change",
            on(|d, _| d.refresh_shot_controls()),
        );
        l.on(
            &self.view.annotate,
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
        if self.view.dialog.show_modal().is_err() {
            // Not connected or already open elsewhere: show it non-modally rather than not at all.
            self.view.dialog.set_open(true);
        }
        self.view.text.focus().ok();
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
        self.view
            .shot_note
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
                self.view
                    .shot_note
                    .set_text_content(Some(&self.t(Text::ScreenshotFailed)));
                self.view.include.set_checked(false);
                self.view.include.set_disabled(true);
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
                    self.view.preview.set_src(url);
                    self.view.preview.remove_attribute("hidden").ok();
                }
                let size = replace(
                    &self.t(Text::ScreenshotSize),
                    "{size}",
                    &super::attachment::human_size(encoded.bytes.len() as f64),
                );
                self.view.shot_note.set_text_content(Some(&size));
                let mut state = self.state.borrow_mut();
                if let Some(old) = std::mem::replace(&mut state.preview_url, url) {
                    let _ = web_sys::Url::revoke_object_url(&old);
                }
            }
            Err(_) => {
                self.view
                    .shot_note
                    .set_text_content(Some(&self.t(Text::ScreenshotFailed)));
            }
        }
        self.refresh_shot_controls();
    }

    fn refresh_shot_controls(&self) {
        let has_picture = self.state.borrow().picture.is_some();
        self.view
            .annotate
            .toggle_attribute_with_force("disabled", !(has_picture && self.view.include.checked()))
            .ok();
        self.view
            .frame
            .toggle_attribute_with_force("hidden", !self.view.include.checked())
            .ok();
        self.view
            .preview
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
        self.view.text.set_value(&draft.text);
        self.view.severity.set_value(&draft.severity);
        if let Some(category) = &self.view.category {
            category.set_value(&draft.category);
        }
        if let Some(email) = &self.view.email {
            email.set_value(&draft.email);
        }
    }

    /// What the user filled in, as it is now.
    fn fields(&self) -> Draft {
        let value = |select: &Option<HtmlSelectElement>| select.as_ref().map(|c| c.value());
        Draft {
            text: self.view.text.value(),
            category: value(&self.view.category).unwrap_or_default(),
            severity: self.view.severity.value(),
            email: self
                .view
                .email
                .as_ref()
                .map(|e| e.value())
                .unwrap_or_default(),
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
        let ok = !self.view.text.value().trim().is_empty();
        if ok {
            self.view.text.remove_attribute("aria-invalid").ok();
            self.view.text_error.set_attribute("hidden", "").ok();
        }
        ok
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
            .view
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
        let Ok(list) = self.view.dialog.query_selector_all(selector) else {
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
        self.view.dialog.close();
        self.closed();
    }

    /// After the dialog closed (button, Escape, `close()`): removed, focus returned, hook called.
    /// Runs once per dialog, whichever of `dismiss` and the `close` event comes first.
    fn closed(&self) {
        if !self.view.dialog.is_connected() {
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
        self.view.dialog.remove();
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
}

/// The UI string `text`: the host's replacement from `strings`, else the locale file's, else
/// English.
fn lookup(options: &Options, texts: &[Option<String>], text: Text) -> String {
    strings::replacement(&options.ui.strings, text)
        .or_else(|| texts.get(text as usize)?.as_deref())
        .unwrap_or_else(|| strings::english(text))
        .to_owned()
}

/// The focused element, looking into shadow roots (a focused custom element's inner control).
fn deep_active_element(doc: &Document) -> Option<HtmlElement> {
    let mut active = doc.active_element()?;
    while let Some(inner) = active.shadow_root().and_then(|r| r.active_element()) {
        active = inner;
    }
    active.dyn_into::<HtmlElement>().ok()
}
