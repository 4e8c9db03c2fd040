//! The screenshot and what the user drew on it: shapes kept as data (sent as the report's
//! `annotations`, in screenshot pixels) and drawn onto the picture when it is exported, with
//! redactions burned into the pixels first.

pub mod redact;
pub mod shapes;

use std::cell::RefCell;
use std::rc::Rc;

use bugcap_protocol::{Annotation, AnnotationKind};
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, ImageData};

use crate::error::WidgetError;
use crate::screenshot;
pub use shapes::{Shape, Tool};

/// Most shapes kept: the report schema's limit.
pub const MAX_SHAPES: usize = 500;
/// Most points over all shapes: the report schema's limit.
pub const MAX_POINTS: usize = 10_000;

/// Redaction regions with their modes, in drawing order.
type Redactions = Vec<(redact::Region, redact::Mode)>;

/// A screenshot being annotated.
pub struct Picture {
    base: HtmlCanvasElement,
    shapes: Vec<Shape>,
    /// Undone shapes, most recent last; cleared by a new shape.
    undone: Vec<Shape>,
    /// Bumped by every change to the shapes, so an export can tell whether it is current.
    revision: u64,
    /// The base with redactions burned in, and which redactions: redrawn on every pointer
    /// move, so the burn is only redone when the redactions change.
    burned: RefCell<Option<(Redactions, HtmlCanvasElement)>>,
    /// The base's pixels, read back once: reading a canvas again for every change of the
    /// redactions is slow, and Chromium warns about it on the host page's console
    /// (`willReadFrequently`).
    base_pixels: RefCell<Option<Rc<Vec<u8>>>>,
}

impl Picture {
    pub fn new(base: HtmlCanvasElement) -> Picture {
        Picture {
            base,
            shapes: Vec::new(),
            undone: Vec::new(),
            revision: 0,
            burned: RefCell::new(None),
            base_pixels: RefCell::new(None),
        }
    }

    pub fn width(&self) -> u32 {
        self.base.width()
    }

    pub fn height(&self) -> u32 {
        self.base.height()
    }

    pub fn shapes(&self) -> &[Shape] {
        &self.shapes
    }

    /// Adds a shape; `false` when the report's limits leave no room for it.
    pub fn push(&mut self, shape: Shape) -> bool {
        let points: usize = self.shapes.iter().map(|s| s.points.len()).sum();
        if self.shapes.len() >= MAX_SHAPES || points + shape.points.len() > MAX_POINTS {
            return false;
        }
        self.shapes.push(shape);
        self.undone.clear();
        self.revision += 1;
        true
    }

    pub fn undo(&mut self) -> bool {
        let undone = self.shapes.pop().map(|s| self.undone.push(s)).is_some();
        self.revision += u64::from(undone);
        undone
    }

    pub fn redo(&mut self) -> bool {
        let redone = self.undone.pop().map(|s| self.shapes.push(s)).is_some();
        self.revision += u64::from(redone);
        redone
    }

    /// Which state of the shapes this is: changes with every push, undo and redo.
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// Removes every shape; each can be brought back with redo.
    pub fn clear(&mut self) {
        while self.undo() {}
    }

    /// The picture as it will be uploaded: redactions burned into the pixels, then the other
    /// shapes drawn over it.
    pub fn render(&self) -> Result<HtmlCanvasElement, WidgetError> {
        let (canvas, context) = screenshot::canvas(self.width(), self.height())?;
        self.draw(&context, None)?;
        Ok(canvas)
    }

    /// Draws the picture with its shapes (and `pending`, the shape being drawn) onto `context`,
    /// which must be the picture's size.
    pub fn draw(
        &self,
        context: &CanvasRenderingContext2d,
        pending: Option<&Shape>,
    ) -> Result<(), WidgetError> {
        let base = self.burned_base()?;
        context
            .draw_image_with_html_canvas_element(&base, 0.0, 0.0)
            .map_err(|_| WidgetError::Screenshot("drawing the screenshot failed".into()))?;
        shapes::draw_all(context, self.width(), self.height(), &self.shapes, pending);
        Ok(())
    }

    /// The base with every redaction burned in; kept until the redactions change.
    fn burned_base(&self) -> Result<HtmlCanvasElement, WidgetError> {
        let regions: Vec<_> = self.shapes.iter().filter_map(Shape::redaction).collect();
        if regions.is_empty() {
            return Ok(self.base.clone());
        }
        if let Some((done, canvas)) = &*self.burned.borrow()
            && *done == regions
        {
            return Ok(canvas.clone());
        }
        let (w, h) = (self.width(), self.height());
        let base = self.base_pixels.borrow().clone();
        let base = match base {
            Some(pixels) => pixels,
            None => {
                let pixels = Rc::new(screenshot::pixels(&self.base)?);
                self.base_pixels.replace(Some(pixels.clone()));
                pixels
            }
        };
        let mut pixels = base.to_vec();
        redact::burn(&mut pixels, w, h, &regions);
        let (canvas, context) = screenshot::canvas(w, h)?;
        let data =
            ImageData::new_with_u8_clamped_array_and_sh(wasm_bindgen::Clamped(&pixels), w, h)
                .map_err(|_| WidgetError::Screenshot("redacting the screenshot failed".into()))?;
        context
            .put_image_data(&data, 0.0, 0.0)
            .map_err(|_| WidgetError::Screenshot("redacting the screenshot failed".into()))?;
        self.burned.replace(Some((regions, canvas.clone())));
        Ok(canvas)
    }

    /// The shapes as the report's `annotations`, in screenshot pixels.
    pub fn annotations(&self) -> Vec<Annotation> {
        self.shapes
            .iter()
            .map(|s| Annotation {
                kind: match s.tool {
                    Tool::Rectangle => AnnotationKind::Rectangle,
                    Tool::Arrow => AnnotationKind::Arrow,
                    Tool::Pen => AnnotationKind::Pen,
                    Tool::Text => AnnotationKind::Text,
                    Tool::Highlight => AnnotationKind::Highlight,
                    Tool::Redact | Tool::Pixelate => AnnotationKind::Redact,
                },
                points: s.points.clone(),
                color: Some(s.color.clone()),
                text: s.text.clone(),
            })
            .collect()
    }
}
