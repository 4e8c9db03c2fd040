//! The dialog's send controller: checks the form, builds the report from it (the screenshot as
//! edited, the attachment, the parts the user left out), sends it through the same path as
//! `submit`, shows progress, and ends on the thank-you screen or a failure the user can act on.

use std::rc::Rc;

use bugcap_protocol::Severity;
use bugcap_protocol::search::replace;
use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::{Dialog, view};
use crate::config::SubmitInput;
use crate::report::{self, Extras};
use crate::reporter::{self, finish, send_built};
use crate::send::{Outcome, Step};
use crate::strings::Text;
use crate::transport::ORIGIN_NOT_ALLOWED;

/// Longest a Send waits for the screenshot still being taken before sending without it.
const SHOT_WAIT_MS: f64 = 15_000.0;

impl Dialog {
    pub(super) async fn send(self: Rc<Self>) {
        if self.state.borrow().sending {
            return;
        }
        if !self.text_ok() {
            self.view.text.set_attribute("aria-invalid", "true").ok();
            self.view
                .text_error
                .set_text_content(Some(&self.t(Text::DescriptionRequired)));
            self.view.text_error.remove_attribute("hidden").ok();
            self.view.text.focus().ok();
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
        if self.view.include.checked()
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
        if self.view.include.checked()
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
        let message = self.t(if queued { Text::Queued } else { Text::Sent });
        let (done, close) = view::done(&self.doc, &|text| self.t(text), &message, id);
        self.view.body.replace_children_with_node_1(&done);
        self.view
            .dialog
            .set_attribute("data-state", if queued { "queued" } else { "sent" })
            .ok();
        self.view.dialog.set_attribute("data-report-id", id).ok();
        self.view.footer.replace_children_with_node_1(&close);
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
        for control in [&self.view.send, &self.view.cancel] {
            control.toggle_attribute_with_force("disabled", busy).ok();
        }
        self.view
            .form
            .set_attribute("aria-busy", if busy { "true" } else { "false" })
            .ok();
    }

    fn set_status(&self, text: &str, failed: bool) {
        self.view.status.set_text_content(Some(text));
        self.view
            .status
            .set_attribute("class", if failed { "status failed" } else { "status" })
            .ok();
    }
}

/// Why a send failed, as the status line shows it.
enum Failure {
    /// Shown inside the "could not be sent: {error}" sentence.
    Because(String),
    /// A sentence of its own.
    Whole(String),
}

fn js_text(e: &JsValue) -> String {
    crate::error::js_message(e).unwrap_or_else(|| "unknown error".into())
}
