//! The interface the screenshot editor uses ([`editor::Host`]): the editor takes the form's
//! place in the dialog and gives it back, and knows the dialog through this trait alone, so
//! `editor` does not import `dialog`.

use std::rc::Rc;

use wasm_bindgen::JsCast;
use web_sys::{Document, Element, HtmlElement};

use super::Dialog;
use crate::strings::Text;
use crate::ui::dom::Listeners;
use crate::ui::editor;

impl Dialog {
    /// Swaps the form's content for the editor's (or back).
    pub(super) fn set_editing(&self, editing: bool) {
        self.view
            .dialog
            .class_list()
            .toggle_with_force("editing", editing)
            .ok();
        self.view.title.set_text_content(Some(&self.t(if editing {
            Text::Annotate
        } else {
            Text::Title
        })));
        for part in [&self.view.body, &self.view.footer] {
            part.toggle_attribute_with_force("hidden", editing).ok();
        }
        if !editing && let Some(annotate) = self.view.annotate.dyn_ref::<HtmlElement>() {
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
        let _ = self.view.form.insert_before(view, Some(&self.view.body));
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
