//! The screenshot editor, shown inside the dialog: a toolbar (tools, colours, label text, undo,
//! redo, clear, done) over the picture. Shapes are drawn with a pointer (mouse, pen, touch) or
//! with the keyboard: the canvas takes focus, arrow keys move a cursor (Shift for larger
//! steps), Enter or Space starts and ends a shape, Escape drops the one being drawn.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{
    CanvasRenderingContext2d, Element, HtmlCanvasElement, HtmlElement, HtmlInputElement,
};

use super::dialog::Dialog;
use super::dom::{append, el, text_el};
use crate::annotate::{Picture, Shape, Tool};
use crate::strings::Text;

/// The colours offered: red, amber, green, blue, black.
pub const COLORS: [(&str, &str); 5] = [
    ("#e11d48", "red"),
    ("#f59e0b", "amber"),
    ("#16a34a", "green"),
    ("#2563eb", "blue"),
    ("#111827", "black"),
];

struct Editor {
    dialog: Rc<Dialog>,
    picture: Rc<RefCell<Picture>>,
    view: Element,
    canvas: HtmlCanvasElement,
    context: CanvasRenderingContext2d,
    tool_buttons: Vec<(Tool, Element)>,
    color_buttons: Vec<(String, Element)>,
    label: HtmlInputElement,
    tool: Tool,
    color: String,
    pending: Option<Shape>,
    /// The keyboard cursor, in picture pixels; shown while the canvas has focus.
    cursor: [f64; 2],
    cursor_visible: bool,
}

/// Shows the editor for `picture` in `dialog`.
pub fn open(dialog: Rc<Dialog>, picture: Rc<RefCell<Picture>>) {
    if let Err(e) = build(dialog, picture) {
        web_sys::console::warn_1(&e.message().into());
    }
}

fn build(
    dialog: Rc<Dialog>,
    picture: Rc<RefCell<Picture>>,
) -> Result<(), crate::error::WidgetError> {
    let doc = dialog.doc.clone();
    let t = |text: Text| dialog.t(text);
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
    for (tool, text, id) in [
        (Tool::Rectangle, Text::ToolRectangle, "rectangle"),
        (Tool::Arrow, Text::ToolArrow, "arrow"),
        (Tool::Pen, Text::ToolPen, "pen"),
        (Tool::Text, Text::ToolText, "text"),
        (Tool::Highlight, Text::ToolHighlight, "highlight"),
        (Tool::Redact, Text::ToolRedact, "redact"),
        (Tool::Pixelate, Text::ToolPixelate, "pixelate"),
    ] {
        let button = text_el(
            &doc,
            "button",
            &[
                ("type", "button"),
                ("data-tool", id),
                (
                    "aria-pressed",
                    if tool == Tool::Rectangle {
                        "true"
                    } else {
                        "false"
                    },
                ),
            ],
            &t(text),
        );
        append(&toolbar, &[&button]);
        tool_buttons.push((tool, button));
    }
    append(&toolbar, &[&el(&doc, "span", &[("class", "sep")])]);
    let mut color_buttons = Vec::new();
    for (i, (color, name)) in COLORS.iter().enumerate() {
        let button = el(
            &doc,
            "button",
            &[
                ("type", "button"),
                ("class", "swatch"),
                ("data-color", name),
                ("aria-label", &format!("{} {name}", t(Text::Color))),
                ("aria-pressed", if i == 0 { "true" } else { "false" }),
            ],
        );
        // Through the CSSOM, not a `style` attribute: a page whose Content-Security-Policy
        // forbids inline styles refuses the attribute, and the swatch would show no colour.
        if let Some(button) = button.dyn_ref::<web_sys::HtmlElement>() {
            let _ = button.style().set_property("background", color);
        }
        append(&toolbar, &[&button]);
        color_buttons.push(((*color).to_owned(), button));
    }
    append(&toolbar, &[&el(&doc, "span", &[("class", "sep")])]);
    let label: HtmlInputElement = el(
        &doc,
        "input",
        &[
            ("type", "text"),
            ("id", "bc-label"),
            ("aria-label", &t(Text::TextPrompt)),
            ("placeholder", &t(Text::TextPrompt)),
            ("maxlength", "200"),
        ],
    )
    .unchecked_into();
    let undo = text_el(
        &doc,
        "button",
        &[("type", "button"), ("data-action", "undo")],
        &t(Text::Undo),
    );
    let redo = text_el(
        &doc,
        "button",
        &[("type", "button"), ("data-action", "redo")],
        &t(Text::Redo),
    );
    let clear = text_el(
        &doc,
        "button",
        &[("type", "button"), ("data-action", "clear")],
        &t(Text::Clear),
    );
    let done = text_el(
        &doc,
        "button",
        &[
            ("type", "button"),
            ("class", "primary"),
            ("data-action", "done"),
        ],
        &t(Text::Done),
    );
    append(&toolbar, &[label.as_ref(), &undo, &redo, &clear, &done]);

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
    append(&stage, &[canvas.as_ref()]);
    append(&view, &[&toolbar, &stage]);
    let _ = dialog
        .form()
        .insert_before(&view, Some(dialog.editor_anchor()));
    dialog.set_editing(true);

    let editor = Rc::new(RefCell::new(Editor {
        dialog: dialog.clone(),
        picture,
        view,
        canvas: canvas.clone(),
        context,
        tool_buttons,
        color_buttons,
        label,
        tool: Tool::Rectangle,
        color: COLORS[0].0.to_owned(),
        pending: None,
        cursor: [f64::from(w) / 2.0, f64::from(h) / 2.0],
        cursor_visible: false,
    }));
    editor.borrow().redraw();
    wire(&editor, &undo, &redo, &clear, &done);
    if let Some(first) = editor.borrow().tool_buttons.first()
        && let Some(b) = first.1.dyn_ref::<HtmlElement>()
    {
        b.focus().ok();
    }
    Ok(())
}

fn wire(
    editor: &Rc<RefCell<Editor>>,
    undo: &Element,
    redo: &Element,
    clear: &Element,
    done: &Element,
) {
    let dialog = editor.borrow().dialog.clone();
    let mut l = dialog.listen();
    let weak = Rc::downgrade(editor);
    let with = move |f: fn(&mut Editor, &web_sys::Event)| {
        let weak = weak.clone();
        move |event: web_sys::Event| {
            if let Some(e) = weak.upgrade() {
                // A handler that re-enters (focus moving during a draw) skips rather than panics.
                if let Ok(mut e) = e.try_borrow_mut() {
                    f(&mut e, &event);
                }
            }
        }
    };
    for (tool, button) in editor.borrow().tool_buttons.clone() {
        let weak = Rc::downgrade(editor);
        l.on(&button, "click", move |_| {
            if let Some(e) = weak.upgrade() {
                e.borrow_mut().select_tool(tool);
            }
        });
    }
    for (color, button) in editor.borrow().color_buttons.clone() {
        let weak = Rc::downgrade(editor);
        l.on(&button, "click", move |_| {
            if let Some(e) = weak.upgrade() {
                e.borrow_mut().select_color(&color);
            }
        });
    }
    l.on(
        undo,
        "click",
        with(|e, _| {
            e.history(|p| {
                p.undo();
            })
        }),
    );
    l.on(
        redo,
        "click",
        with(|e, _| {
            e.history(|p| {
                p.redo();
            })
        }),
    );
    l.on(clear, "click", with(|e, _| e.history(Picture::clear)));
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
    // Undo and redo shortcuts anywhere in the editor.
    let view = editor.borrow().view.clone();
    l.on(
        &view,
        "keydown",
        with(|e, event| {
            let Some(key) = event.dyn_ref::<web_sys::KeyboardEvent>() else {
                return;
            };
            if !(key.ctrl_key() || key.meta_key()) {
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
        let dialog = owner.borrow().dialog.clone();
        owner.borrow().view.remove();
        dialog.set_editing(false);
        dialog.set_escape(None);
        wasm_bindgen_futures::spawn_local(async move { dialog.picture_changed().await });
    };
    let finish = Rc::new(finish);
    let on_done = finish.clone();
    l.on(done, "click", move |_| on_done());
    drop(l);
    dialog.set_escape(Some(Box::new(move || finish())));
}

impl Editor {
    fn select_tool(&mut self, tool: Tool) {
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
        let text = (self.tool == Tool::Text).then(|| self.label.value().trim().to_owned());
        let shape = Shape {
            tool: self.tool,
            points: vec![at],
            color: self.color.clone(),
            text,
        };
        if self.tool == Tool::Text {
            if shape.is_degenerate() {
                // No text typed yet: send the user to the label field.
                self.label.focus().ok();
                return;
            }
            self.picture.borrow_mut().push(shape);
            self.redraw();
            return;
        }
        self.pending = Some(shape);
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
        if let Some(p) = event.dyn_ref::<web_sys::PointerEvent>() {
            let _ = self.canvas.set_pointer_capture(p.pointer_id());
        }
        event.prevent_default();
        self.canvas.focus().ok();
        self.cursor = at;
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
