//! The image the user may attach beside the screenshot. The picker (file input, drop anywhere on
//! the dialog, paste, thumbnail with its true size, Remove) is `attachmentPicker` in
//! `widget/js/reporter.js`: it is all DOM work, far cheaper in bytes there than through wasm
//! imports. The report reads the chosen file when it is sent.

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::Element;

use crate::report::File;
use crate::strings::Text;

#[wasm_bindgen(module = "/js/reporter.js")]
extern "C" {
    pub type Picker;
    #[wasm_bindgen(js_name = attachmentPicker)]
    fn attachment_picker(
        area: &Element,
        attach: &str,
        drop_hint: &str,
        remove: &str,
        refused: &str,
    ) -> Picker;
    /// The picker's element, to place in the form.
    #[wasm_bindgen(method, getter)]
    pub fn root(this: &Picker) -> Element;
    #[wasm_bindgen(method, js_name = file)]
    fn chosen(this: &Picker) -> Option<web_sys::File>;
    /// Lets go of the thumbnail's object URL.
    #[wasm_bindgen(method)]
    pub fn dispose(this: &Picker);
    /// `75 B`, `340 KB`, `1.2 MB`: a size as it is.
    #[wasm_bindgen(js_name = humanSize)]
    pub fn human_size(bytes: f64) -> String;
    #[wasm_bindgen(js_name = blobBytes)]
    fn blob_bytes(blob: &web_sys::Blob) -> js_sys::Promise;
}

impl Picker {
    /// A picker that takes files dropped or pasted anywhere on `area`.
    pub fn build(area: &Element, t: &dyn Fn(Text) -> String) -> Picker {
        attachment_picker(
            area,
            &t(Text::Attach),
            &t(Text::DropHint),
            &t(Text::Remove),
            &t(Text::AttachTooLarge),
        )
    }

    /// The chosen image as it will be uploaded; `Err` when it can no longer be read.
    pub async fn file(&self) -> Result<Option<File>, String> {
        let Some(file) = self.chosen() else {
            return Ok(None);
        };
        let content_type = file.type_();
        let bytes = JsFuture::from(blob_bytes(&file))
            .await
            .map_err(|_| format!("the attached image `{}` could not be read", file.name()))?;
        let extension = content_type.rsplit('/').next().unwrap_or("png").to_owned();
        Ok(Some(File {
            name: ["attachment.", &extension].concat(),
            content_type,
            bytes: js_sys::Uint8Array::new(&bytes).to_vec(),
        }))
    }
}
