//! The widget's user interface, in a shadow root so the host's CSS cannot reach it and it
//! cannot reach the host: the launcher (loaded with capture at `init`), and the dialog and
//! screenshot editor (loaded with the reporter when first opened).

#[cfg(feature = "reporter")]
pub mod attachment;
#[cfg(feature = "reporter")]
pub mod details;
#[cfg(feature = "reporter")]
pub mod dialog;
pub mod dom;
#[cfg(feature = "reporter")]
pub mod editor;
#[cfg(feature = "capture")]
pub mod launcher;
#[cfg(feature = "reporter")]
pub mod view;

/// The bundled locale for the `locale` option, else `<html lang>`, else the browser's language.
pub fn locale(option: Option<&str>) -> usize {
    let tag = option.map(str::to_owned).or_else(|| {
        let window = web_sys::window()?;
        let lang = window
            .document()
            .and_then(|d| d.document_element())
            .and_then(|e| e.get_attribute("lang"))
            .filter(|l| !l.is_empty());
        lang.or_else(|| window.navigator().language())
    });
    crate::strings::locale_index(tag.as_deref().unwrap_or("en"))
}
