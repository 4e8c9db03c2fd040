//! The image the user may attach beside the screenshot: chosen with the file input, dropped
//! anywhere on the dialog or pasted into it; shown as a thumbnail with its name, its true size
//! and a button that removes it.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{Document, Element, HtmlElement, HtmlImageElement, HtmlInputElement};

use super::dom::{Listeners, append, el, text_el};
use crate::report::File;
use crate::strings::Text;

/// Largest image a user may attach: the relay's default image limit.
const MAX_BYTES: f64 = 10.0 * 1024.0 * 1024.0;
const TYPES: [&str; 3] = ["image/png", "image/jpeg", "image/webp"];
/// [`TYPES`] as the file input's `accept`.
const ACCEPT: &str = "image/png,image/jpeg,image/webp";

pub struct Picker {
    root: Element,
    input: HtmlInputElement,
    /// The thumbnail, name, size and remove button of the attached image.
    chosen: Element,
    thumb: HtmlImageElement,
    caption: Element,
    remove: Element,
    note: Element,
    /// Shown when a file is refused.
    refused: String,
    file: RefCell<Option<File>>,
    /// The thumbnail's object URL, revoked when it is replaced or the dialog closes.
    url: RefCell<Option<String>>,
}

impl Picker {
    pub fn build(doc: &Document, t: &dyn Fn(Text) -> String) -> Rc<Picker> {
        let root = el(doc, "div", &[("class", "attach")]);
        let label = text_el(doc, "label", &[("for", "bc-file")], &t(Text::Attach));
        let input: HtmlInputElement = el(
            doc,
            "input",
            &[
                ("type", "file"),
                ("id", "bc-file"),
                ("accept", ACCEPT),
                ("aria-describedby", "bc-drop-hint"),
            ],
        )
        .unchecked_into();
        let hint = text_el(
            doc,
            "span",
            &[("class", "hint"), ("id", "bc-drop-hint")],
            &t(Text::DropHint),
        );
        let pick = el(doc, "div", &[("class", "pick")]);
        append(&pick, &[input.as_ref(), &hint]);
        let chosen = el(doc, "div", &[("class", "chosen"), ("hidden", "")]);
        let thumb: HtmlImageElement = el(doc, "img", &[("alt", "")]).unchecked_into();
        let caption = el(doc, "span", &[("id", "bc-attachment")]);
        let remove_label = format!("{}: {}", t(Text::Remove), t(Text::Attach));
        let remove = text_el(
            doc,
            "button",
            &[
                ("type", "button"),
                ("id", "bc-remove-attachment"),
                ("aria-label", &remove_label),
            ],
            &t(Text::Remove),
        );
        append(&chosen, &[thumb.as_ref(), &caption, &remove]);
        let note = el(
            doc,
            "p",
            &[("class", "error"), ("aria-live", "polite"), ("hidden", "")],
        );
        append(&root, &[&label, &pick, &chosen, &note]);
        Rc::new(Picker {
            root,
            input,
            chosen,
            thumb,
            caption,
            remove,
            note,
            refused: t(Text::AttachTooLarge),
            file: RefCell::new(None),
            url: RefCell::new(None),
        })
    }

    pub fn element(&self) -> &Element {
        &self.root
    }

    /// Listens for a chosen, dropped (anywhere on `area`) or pasted image, and for remove.
    pub fn wire(self: &Rc<Self>, listeners: &mut Listeners, area: &Element) {
        let me = Rc::downgrade(self);
        let on = move |f: fn(&Rc<Picker>, web_sys::Event)| {
            let me = me.clone();
            move |event: web_sys::Event| {
                if let Some(p) = me.upgrade() {
                    f(&p, event)
                }
            }
        };
        listeners.on(
            &self.input,
            "change",
            on(|p, _| match p.input.files().and_then(|f| f.get(0)) {
                Some(file) => p.take(file),
                None => p.clear(),
            }),
        );
        listeners.on(&self.remove, "click", on(|p, _| p.clear()));
        // Without this the browser opens a dropped file in place of the page.
        listeners.on(
            area,
            "dragover",
            on(|_, e| {
                if dropped_file(&e).is_some() || carries_files(&e) {
                    e.prevent_default();
                }
            }),
        );
        listeners.on(
            area,
            "drop",
            on(|p, e| {
                if let Some(file) = dropped_file(&e) {
                    e.prevent_default();
                    p.take(file);
                }
            }),
        );
        listeners.on(
            area,
            "paste",
            on(|p, e| {
                // Text pasted into a field stays the field's; only a pasted file is taken.
                let file = e
                    .dyn_ref::<web_sys::ClipboardEvent>()
                    .and_then(|c| c.clipboard_data())
                    .and_then(|d| d.files())
                    .and_then(|f| f.get(0));
                if let Some(file) = file {
                    e.prevent_default();
                    p.take(file);
                }
            }),
        );
    }

    /// The attached image, if any.
    pub fn file(&self) -> Option<File> {
        self.file.borrow().clone()
    }

    /// Reads `file` in and shows it, or says why it was refused.
    fn take(self: &Rc<Self>, file: web_sys::File) {
        let kind = file.type_();
        if !TYPES.contains(&kind.as_str()) || file.size() > MAX_BYTES {
            self.clear();
            self.refuse();
            return;
        }
        let me = self.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let bytes = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
                .await
                .map(|b| js_sys::Uint8Array::new(&b).to_vec());
            match bytes {
                Ok(bytes) => me.show(&file, kind, bytes),
                Err(_) => me.refuse(),
            }
        });
    }

    fn show(&self, file: &web_sys::File, kind: String, bytes: Vec<u8>) {
        let extension = kind.rsplit('/').next().unwrap_or("png");
        let caption = format!("{} · {}", file.name(), human_size(bytes.len()));
        self.caption.set_text_content(Some(&caption));
        let url = web_sys::Url::create_object_url_with_blob(file).ok();
        if let Some(url) = &url {
            self.thumb.set_src(url);
        }
        self.revoke(url);
        let _ = self.note.set_attribute("hidden", "");
        let _ = self.chosen.remove_attribute("hidden");
        self.file.replace(Some(File {
            name: format!("attachment.{extension}"),
            content_type: kind,
            bytes,
        }));
    }

    fn refuse(&self) {
        self.note.set_text_content(Some(&self.refused));
        let _ = self.note.remove_attribute("hidden");
    }

    /// Removes the attached image.
    fn clear(&self) {
        let had = self.file.replace(None).is_some();
        self.input.set_value("");
        let _ = self.chosen.set_attribute("hidden", "");
        let _ = self.note.set_attribute("hidden", "");
        self.thumb.remove_attribute("src").ok();
        self.revoke(None);
        if had && let Some(input) = self.input.dyn_ref::<HtmlElement>() {
            input.focus().ok();
        }
    }

    fn revoke(&self, next: Option<String>) {
        if let Some(old) = self.url.replace(next) {
            let _ = web_sys::Url::revoke_object_url(&old);
        }
    }

    /// Lets go of the thumbnail's object URL.
    pub fn dispose(&self) {
        self.revoke(None);
    }
}

/// The first file a drop carries.
fn dropped_file(event: &web_sys::Event) -> Option<web_sys::File> {
    event
        .dyn_ref::<web_sys::DragEvent>()?
        .data_transfer()?
        .files()?
        .get(0)
}

/// Whether a drag carries files (their list is empty until the drop).
fn carries_files(event: &web_sys::Event) -> bool {
    event
        .dyn_ref::<web_sys::DragEvent>()
        .and_then(|d| d.data_transfer())
        .is_some_and(|d| d.types().includes(&"Files".into(), 0))
}

/// `75 B`, `340 KB`, `1.2 MB`: the size as it is, not rounded up to the next unit. In integers:
/// formatting a float to a precision links 10 KB of the standard library's exact float printing
/// into the bundle for this one label.
pub fn human_size(bytes: usize) -> String {
    const KB: usize = 1024;
    const MB: usize = 1024 * 1024;
    if bytes >= MB {
        let tenths = (bytes * 10 + MB / 2) / MB;
        format!("{}.{} MB", tenths / 10, tenths % 10)
    } else if bytes >= KB {
        format!("{} KB", (bytes + KB / 2) / KB)
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_input_accepts_the_types_the_dialog_takes() {
        assert_eq!(TYPES.join(","), ACCEPT);
    }

    #[test]
    fn sizes_are_shown_as_they_are() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(75), "75 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1024), "1 KB");
        assert_eq!(human_size(1535), "1 KB");
        assert_eq!(human_size(1536), "2 KB");
        assert_eq!(human_size(340 * 1024), "340 KB");
        assert_eq!(human_size(1024 * 1024), "1.0 MB");
        assert_eq!(human_size(1258291), "1.2 MB");
    }
}
