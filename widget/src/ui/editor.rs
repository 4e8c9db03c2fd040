//! The screenshot editor, shown in place of the form: a toolbar of icon buttons (tools,
//! colours, undo, redo, clear, done) over the picture. Shapes are drawn with a pointer (mouse,
//! pen, touch) or with the keyboard: the canvas takes focus, arrow keys move a cursor (Shift
//! for larger steps), Enter or Space starts and ends a shape, Escape drops the one being drawn.
//! A text label is typed where the user clicked (or where the keyboard cursor is), in a field
//! that appears there.
//!
//! The editor knows the dialog only through [`Host`], so the two do not import each other.

use std::cell::{RefCell, RefMut};
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{
    CanvasRenderingContext2d, Document, Element, HtmlCanvasElement, HtmlElement, HtmlInputElement,
};

use super::dom::{Listeners, append, el, icon, text_el};
use crate::annotate::{Picture, Shape, Tool};
use crate::strings::Text;

/// What the editor needs from the dialog it is shown in.
pub trait Host {
    fn doc(&self) -> &Document;
    /// The UI string `text` in the dialog's language.
    fn text(&self, text: Text) -> String;
    /// Shows `view` in place of the form.
    fn show_editor(&self, view: &Element);
    /// Listeners that live as long as the dialog.
    fn listen(&self) -> RefMut<'_, Listeners>;
    /// What Escape does instead of closing the dialog; `None` restores closing.
    fn set_escape(&self, handler: Option<Rc<dyn Fn()>>);
    /// The editor closed with `view` removed: show the form again, with the edited picture.
    fn editor_closed(self: Rc<Self>);
}

/// The colours offered: red, amber, green, blue, black.
pub const COLORS: [(&str, &str); 5] = [
    ("#e11d48", "red"),
    ("#f59e0b", "amber"),
    ("#16a34a", "green"),
    ("#2563eb", "blue"),
    ("#111827", "black"),
];

/// The tools in toolbar order: the tool, its name, its `data-tool` and its icon (SVG path data
/// on a 24-pixel grid, drawn with `currentColor`).
const TOOLS: [(Tool, Text, &str, &str); 7] = [
    (
        Tool::Rectangle,
        Text::ToolRectangle,
        "rectangle",
        "M4 6h16v12H4z",
    ),
    (Tool::Arrow, Text::ToolArrow, "arrow", "M5 19 19 5m-9 0h9v9"),
    (
        Tool::Pen,
        Text::ToolPen,
        "pen",
        "m4 20 4-1L19 8l-3-3L5 16zM14 7l3 3",
    ),
    (
        Tool::Text,
        Text::ToolText,
        "text",
        "M5 7V4h14v3m-7-3v16m-3 0h6",
    ),
    (
        Tool::Highlight,
        Text::ToolHighlight,
        "highlight",
        "M3 3h18v18H3zm5 5v8h8V8z",
    ),
    (
        Tool::Redact,
        Text::ToolRedact,
        "redact",
        "M3 8h18v8H3zm3 3h12v2H6z",
    ),
    (
        Tool::Pixelate,
        Text::ToolPixelate,
        "pixelate",
        "M4 4h5v5H4zm11 0h5v5h-5zm-5.5 5.5h5v5h-5zM4 15h5v5H4zm11 0h5v5h-5z",
    ),
];

/// The history buttons: action, name, icon.
const ACTIONS: [(&str, Text, &str); 3] = [
    ("undo", Text::Undo, "M9 14 4 9l5-5M4 9h11a5 5 0 0 1 0 10h-4"),
    ("redo", Text::Redo, "m15 14 5-5-5-5m5 5H9a5 5 0 0 0 0 10h4"),
    (
        "clear",
        Text::Clear,
        "M4 7h16M10 11v6m4-6v6M6 7l1 13h10l1-13M9 7V4h6v3",
    ),
];

struct Editor {
    host: Rc<dyn Host>,
    picture: Rc<RefCell<Picture>>,
    view: Element,
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    tool_buttons: Vec<(Tool, Element)>,
    color_buttons: Vec<(String, Element)>,
    /// The field a text label is typed into, shown where the label goes.
    label: HtmlInputElement,
    /// Where the label being typed goes, in picture pixels; `None` while the field is hidden.
    label_at: Option<[f64; 2]>,
    tool: Tool,
    color: String,
    pending: Option<Shape>,
    /// The keyboard cursor, in picture pixels; shown while the canvas has focus.
    cursor: [f64; 2],
    cursor_visible: bool,
}

/// Shows the editor for `picture` in `host`.
pub fn open(host: Rc<dyn Host>, picture: Rc<RefCell<Picture>>) {
    if let Err(e) = build(host, picture) {
        web_sys::console::warn_1(&e.message().into());
    }
}

/// An icon button: the icon shows, the name is its accessible name and its tooltip.
fn icon_button(doc: &Document, name: &str, path: &str, attributes: &[(&str, &str)]) -> Element {
    let button = el(doc, "button", &[("type", "button"), ("class", "tool")]);
    for (attribute, value) in attributes {
        let _ = button.set_attribute(attribute, value);
    }
    let _ = button.set_attribute("aria-label", name);
    let _ = button.set_attribute("title", name);
    append(&button, &[&icon(doc, path)]);
    button
}

fn build(
    host: Rc<dyn Host>,
    picture: Rc<RefCell<Picture>>,
) -> Result<(), crate::error::WidgetError> {
    let doc = host.doc().clone();
    let t = |text: Text| host.text(text);
    let view = el(&doc, "div", &[("class", "editor")]);
    let toolbar = el(
        &doc,
        "div",
        &[
            ("class", "toolbar"),
            ("role", "toolbar"),
            ("aria-label", &t(Text::Annotate)),
        ],
    );
    let mut tool_buttons = Vec::new();
    for (tool, text, id, path) in TOOLS {
        let pressed = if tool == Tool::Rectangle {
            "true"
        } else {
            "false"
        };
        let button = icon_button(
            &doc,
            &t(text),
            path,
            &[("data-tool", id), ("aria-pressed", pressed)],
        );
        append(&toolbar, &[&button]);
        tool_buttons.push((tool, button));
    }
    append(&toolbar, &[&el(&doc, "span", &[("class", "sep")])]);
    let mut color_buttons = Vec::new();
    for (i, (color, name)) in COLORS.iter().enumerate() {
        let label = format!("{} {name}", t(Text::Color));
        let button = el(
            &doc,
            "button",
            &[
                ("type", "button"),
                ("class", "swatch"),
                ("data-color", name),
                ("aria-label", &label),
                ("title", &label),
                ("aria-pressed", if i == 0 { "true" } else { "false" }),
            ],
        );
        // Through the CSSOM, not a `style` attribute: a page whose Content-Security-Policy
        // forbids inline styles refuses the attribute, and the swatch would show no colour.
        if let Some(button) = button.dyn_ref::<HtmlElement>() {
            let _ = button.style().set_property("background", color);
        }
        append(&toolbar, &[&button]);
        color_buttons.push(((*color).to_owned(), button));
    }
    append(&toolbar, &[&el(&doc, "span", &[("class", "sep")])]);
    let mut actions = Vec::new();
    for (action, text, path) in ACTIONS {
        let button = icon_button(&doc, &t(text), path, &[("data-action", action)]);
        append(&toolbar, &[&button]);
        actions.push(button);
    }
    let done = text_el(
        &doc,
        "button",
        &[
            ("type", "button"),
            ("class", "primary finish"),
            ("data-action", "done"),
        ],
        &t(Text::Done),
    );
    append(&toolbar, &[&done]);

    let stage = el(&doc, "div", &[("class", "stage")]);
    let (w, h) = {
        let p = picture.borrow();
        (p.width(), p.height())
    };
    let canvas: HtmlCanvasElement = el(
        &doc,
        "canvas",
        &[
            ("tabindex", "0"),
            ("role", "application"),
            ("aria-roledescription", "editor"),
            ("aria-label", &t(Text::CanvasLabel)),
        ],
    )
    .unchecked_into();
    canvas.set_width(w);
    canvas.set_height(h);
    let context = crate::screenshot::context_2d(&canvas)?;
    let label: HtmlInputElement = el(
        &doc,
        "input",
        &[
            ("type", "text"),
            ("id", "bc-label"),
            ("class", "label-field"),
            ("aria-label", &t(Text::TextPrompt)),
            ("placeholder", &t(Text::TextPrompt)),
            ("maxlength", "200"),
            ("hidden", ""),
        ],
    )
    .unchecked_into();
    append(&stage, &[canvas.as_ref(), label.as_ref()]);
    append(&view, &[&toolbar, &stage]);
    host.show_editor(&view);

    let editor = Rc::new(RefCell::new(Editor {
        host: host.clone(),
        picture,
        view,
        canvas: canvas.clone(),
        context,
        tool_buttons,
        color_buttons,
        label,
        label_at: None,
        tool: Tool::Rectangle,
        color: COLORS[0].0.to_owned(),
        pending: None,
        cursor: [f64::from(w) / 2.0, f64::from(h) / 2.0],
        cursor_visible: false,
    }));
    editor.borrow().redraw();
    wire(&editor, &actions, &done);
    if let Some(first) = editor.borrow().tool_buttons.first()
        && let Some(b) = first.1.dyn_ref::<HtmlElement>()
    {
        b.focus().ok();
    }
    Ok(())
}

fn wire(editor: &Rc<RefCell<Editor>>, actions: &[Element], done: &Element) {
    let host = editor.borrow().host.clone();
    let mut l = host.listen();
    let weak = Rc::downgrade(editor);
    let with = move |f: fn(&mut Editor, &web_sys::Event)| {
        let weak = weak.clone();
        move |event: web_sys::Event| {
            if let Some(e) = weak.upgrade() {
                // A handler that re-enters (focus moving during a draw, a field hidden while
                // it has focus) skips rather than panics.
                if let Ok(mut e) = e.try_borrow_mut() {
                    f(&mut e, &event);
                }
            }
        }
    };
    for (tool, button) in editor.borrow().tool_buttons.clone() {
        let weak = Rc::downgrade(editor);
        l.on(&button, "click", move |_| {
            if let Some(e) = weak.upgrade()
                && let Ok(mut e) = e.try_borrow_mut()
            {
                e.select_tool(tool);
            }
        });
    }
    for (color, button) in editor.borrow().color_buttons.clone() {
        let weak = Rc::downgrade(editor);
        l.on(&button, "click", move |_| {
            if let Some(e) = weak.upgrade()
                && let Ok(mut e) = e.try_borrow_mut()
            {
                e.select_color(&color);
            }
        });
    }
    let history: [fn(&mut Editor, &web_sys::Event); 3] = [
        |e, _| {
            e.history(|p| {
                p.undo();
            })
        },
        |e, _| {
            e.history(|p| {
                p.redo();
            })
        },
        |e, _| e.history(Picture::clear),
    ];
    for (button, action) in actions.iter().zip(history) {
        l.on(button, "click", with(action));
    }
    let canvas = editor.borrow().canvas.clone();
    l.on(&canvas, "pointerdown", with(Editor::pointer_down));
    l.on(&canvas, "pointermove", with(Editor::pointer_move));
    l.on(&canvas, "pointerup", with(Editor::pointer_up));
    l.on(
        &canvas,
        "pointercancel",
        with(|e, _| {
            e.pending = None;
            e.redraw();
        }),
    );
    l.on(&canvas, "keydown", with(Editor::key));
    l.on(
        &canvas,
        "focus",
        with(|e, _| {
            e.cursor_visible = true;
            e.redraw();
        }),
    );
    l.on(
        &canvas,
        "blur",
        with(|e, _| {
            e.cursor_visible = false;
            e.redraw();
        }),
    );
    let label = editor.borrow().label.clone();
    l.on(&label, "keydown", with(Editor::label_key));
    l.on(&label, "blur", with(|e, _| e.finish_label(true)));
    // Undo and redo shortcuts anywhere in the editor but the label field.
    let view = editor.borrow().view.clone();
    l.on(
        &view,
        "keydown",
        with(|e, event| {
            let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                return;
            };
            if !(key.ctrl_key() || key.meta_key()) || e.label_at.is_some() {
                return;
            }
            let k = key.key().to_ascii_lowercase();
            match (k.as_str(), key.shift_key()) {
                ("z", false) => e.history(|p| {
                    p.undo();
                }),
                ("z", true) | ("y", false) => e.history(|p| {
                    p.redo();
                }),
                _ => return,
            }
            event.prevent_default();
        }),
    );
    // The one strong reference to the editor: held by its Done and Escape handlers, which the
    // dialog drops when the editor finishes or the dialog closes.
    let owner = editor.clone();
    let finish = move || {
        let (host, view) = {
            let mut e = owner.borrow_mut();
            // A label still being typed is kept, as Done keeps every other shape.
            e.finish_label(true);
            (e.host.clone(), e.view.clone())
        };
        view.remove();
        host.set_escape(None);
        host.editor_closed();
    };
    let finish = Rc::new(finish);
    let on_done = finish.clone();
    l.on(done, "click", move |_| on_done());
    drop(l);
    host.set_escape(Some(finish as Rc<dyn Fn()>));
}

impl Editor {
    fn select_tool(&mut self, tool: Tool) {
        self.finish_label(true);
        self.tool = tool;
        self.pending = None;
        for (t, button) in &self.tool_buttons {
            let _ = button.set_attribute("aria-pressed", if *t == tool { "true" } else { "false" });
        }
        self.redraw();
    }

    fn select_color(&mut self, color: &str) {
        self.color = color.to_owned();
        for (c, button) in &self.color_buttons {
            let _ = button.set_attribute("aria-pressed", if c == color { "true" } else { "false" });
        }
    }

    fn history(&mut self, change: impl FnOnce(&mut Picture)) {
        self.pending = None;
        change(&mut self.picture.borrow_mut());
        self.redraw();
    }

    /// The pointer's position in picture pixels.
    fn point(&self, event: &web_sys::Event) -> Option<[f64; 2]> {
        let pointer = event.dyn_ref::<web_sys::MouseEvent>()?;
        let rect = self.canvas.get_bounding_client_rect();
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return None;
        }
        let x = (f64::from(pointer.client_x()) - rect.left()) / rect.width()
            * f64::from(self.canvas.width());
        let y = (f64::from(pointer.client_y()) - rect.top()) / rect.height()
            * f64::from(self.canvas.height());
        Some([x, y])
    }

    fn start(&mut self, at: [f64; 2]) {
        if self.tool == Tool::Text {
            self.place_label(at);
            return;
        }
        self.pending = Some(Shape {
            tool: self.tool,
            points: vec![at],
            color: self.color.clone(),
            text: None,
        });
    }

    /// Shows the label field at `at` (picture pixels), over the canvas where the text goes.
    fn place_label(&mut self, at: [f64; 2]) {
        self.finish_label(true);
        let canvas = self.canvas.get_bounding_client_rect();
        let Some(stage) = self.canvas.parent_element() else {
            return;
        };
        let stage = stage.get_bounding_client_rect();
        let scale = self.scale();
        let left = canvas.left() - stage.left() + at[0] / scale;
        let top = canvas.top() - stage.top() + at[1] / scale;
        self.label.set_value("");
        self.label_at = Some(at);
        let _ = self.label.remove_attribute("hidden");
        // Near the right edge the field moves left to stay whole; it starts at the click
        // everywhere else.
        let width = self.label.get_bounding_client_rect().width();
        let left = left.min(stage.width() - width - 4.0).max(0.0);
        let style = self.label.style();
        // Through the CSSOM: a strict Content-Security-Policy refuses `style` attributes. As
        // whole pixels: printing a float would link the standard library's float formatting
        // and its tables into the reporter.
        let _ = style.set_property("left", &format!("{}px", left.round() as i32));
        let _ = style.set_property("top", &format!("{}px", top.round() as i32));
        let _ = style.set_property("color", &self.color);
        self.label.focus().ok();
        // Focus scrolls a field that reaches past the stage's edge into view: the stage itself
        // never scrolls.
        if let Some(stage) = self.canvas.parent_element() {
            stage.set_scroll_top(0);
            stage.set_scroll_left(0);
        }
    }

    /// Hides the label field; with `keep`, its text becomes a label at the place it was shown.
    fn finish_label(&mut self, keep: bool) {
        let Some(at) = self.label_at.take() else {
            return;
        };
        let text = self.label.value().trim().to_owned();
        let _ = self.label.set_attribute("hidden", "");
        self.label.set_value("");
        let shape = Shape {
            tool: Tool::Text,
            points: vec![at],
            color: self.color.clone(),
            text: Some(text),
        };
        if keep && !shape.is_degenerate() {
            self.picture.borrow_mut().push(shape);
        }
        self.redraw();
    }

    fn label_key(&mut self, event: &web_sys::Event) {
        let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        let keep = match key.key().as_str() {
            "Enter" => true,
            // Drops the label; the editor stays open.
            "Escape" => false,
            _ => return,
        };
        event.prevent_default();
        event.stop_propagation();
        self.finish_label(keep);
        self.canvas.focus().ok();
    }

    fn commit(&mut self) {
        if let Some(shape) = self.pending.take()
            && !shape.is_degenerate()
        {
            self.picture.borrow_mut().push(shape);
        }
        self.redraw();
    }

    fn pointer_down(&mut self, event: &web_sys::Event) {
        let Some(at) = self.point(event) else { return };
        self.cursor = at;
        if self.tool == Tool::Text {
            // The field appears when the press ends: by then the press has moved focus to the
            // canvas, and cannot take it from the field again.
            return;
        }
        event.prevent_default();
        if let Some(p) = event.dyn_ref::<web_sys::PointerEvent>() {
            let _ = self.canvas.set_pointer_capture(p.pointer_id());
        }
        self.canvas.focus().ok();
        self.start(at);
    }

    fn pointer_move(&mut self, event: &web_sys::Event) {
        if self.pending.is_none() {
            return;
        }
        let Some(at) = self.point(event) else { return };
        if let Some(shape) = &mut self.pending {
            shape.extend(at);
        }
        self.cursor = at;
        self.redraw();
    }

    fn pointer_up(&mut self, event: &web_sys::Event) {
        if self.tool == Tool::Text {
            if let Some(at) = self.point(event) {
                self.place_label(at);
            }
            return;
        }
        if let Some(at) = self.point(event)
            && let Some(shape) = &mut self.pending
        {
            shape.extend(at);
        }
        self.commit();
    }

    fn key(&mut self, event: &web_sys::Event) {
        let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
            return;
        };
        let step = if key.shift_key() { 40.0 } else { 8.0 } * self.scale();
        let (dx, dy) = match key.key().as_str() {
            "ArrowLeft" => (-step, 0.0),
            "ArrowRight" => (step, 0.0),
            "ArrowUp" => (0.0, -step),
            "ArrowDown" => (0.0, step),
            "Enter" | " " => {
                event.prevent_default();
                if self.pending.is_some() {
                    let at = self.cursor;
                    if let Some(shape) = &mut self.pending {
                        shape.extend(at);
                    }
                    self.commit();
                } else {
                    self.start(self.cursor);
                }
                return;
            }
            "Escape" if self.pending.is_some() => {
                // Drops the shape being drawn; the dialog stays open.
                event.prevent_default();
                event.stop_propagation();
                self.pending = None;
                self.redraw();
                return;
            }
            _ => return,
        };
        event.prevent_default();
        let (w, h) = (
            f64::from(self.canvas.width()),
            f64::from(self.canvas.height()),
        );
        self.cursor = [
            (self.cursor[0] + dx).clamp(0.0, w),
            (self.cursor[1] + dy).clamp(0.0, h),
        ];
        let at = self.cursor;
        if let Some(shape) = &mut self.pending {
            shape.extend(at);
        }
        self.redraw();
    }

    /// Picture pixels per CSS pixel of the canvas as shown.
    fn scale(&self) -> f64 {
        let shown = self.canvas.get_bounding_client_rect().width();
        if shown > 0.0 {
            f64::from(self.canvas.width()) / shown
        } else {
            1.0
        }
    }

    fn redraw(&self) {
        let picture = self.picture.borrow();
        let _ = picture.draw(&self.context, self.pending.as_ref());
        if self.cursor_visible {
            let s = self.scale();
            let [x, y] = self.cursor;
            let c = &self.context;
            c.save();
            c.set_line_width(2.0 * s);
            c.set_stroke_style_str("#ffffff");
            c.stroke_rect(x - 9.0 * s, y - 9.0 * s, 18.0 * s, 18.0 * s);
            c.set_stroke_style_str(&self.color);
            c.begin_path();
            c.move_to(x - 12.0 * s, y);
            c.line_to(x + 12.0 * s, y);
            c.move_to(x, y - 12.0 * s);
            c.line_to(x, y + 12.0 * s);
            c.stroke();
            c.restore();
        }
    }
}
