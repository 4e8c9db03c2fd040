//! The shapes of the screenshot editor and how each is drawn. Coordinates are screenshot
//! pixels; line widths and text sizes scale with the picture so they read the same on a
//! phone-sized and a 4K screenshot.

use web_sys::CanvasRenderingContext2d;

use super::redact::{Mode, Region};

/// The editor's tools.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tool {
    Rectangle,
    Arrow,
    Pen,
    Text,
    /// Dims everything outside the rectangle.
    Highlight,
    /// Solid redaction, burned into the pixels.
    Redact,
    /// Pixelated redaction, burned into the pixels.
    Pixelate,
}

impl Tool {
    /// Tools drawn by dragging from one corner (or end) to the other.
    pub fn is_two_point(self) -> bool {
        !matches!(self, Tool::Pen | Tool::Text)
    }
}

/// One drawn shape.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    pub tool: Tool,
    /// Corners (rectangle, highlight, redactions), start and end (arrow), the path (pen), the
    /// anchor (text).
    pub points: Vec<[f64; 2]>,
    /// A CSS colour.
    pub color: String,
    pub text: Option<String>,
}

/// Pen paths keep a point only this far (in picture pixels) from the last one.
pub const PEN_STEP: f64 = 3.0;

impl Shape {
    /// The region a redaction covers, with its mode; `None` for other shapes.
    pub fn redaction(&self) -> Option<(Region, Mode)> {
        let mode = match self.tool {
            Tool::Redact => Mode::Solid,
            Tool::Pixelate => Mode::Pixelate,
            _ => return None,
        };
        Some((self.bounds()?, mode))
    }

    /// The rectangle between the first and last point.
    pub fn bounds(&self) -> Option<Region> {
        let (a, b) = (self.points.first()?, self.points.last()?);
        Some(Region {
            x: a[0].min(b[0]),
            y: a[1].min(b[1]),
            width: (a[0] - b[0]).abs(),
            height: (a[1] - b[1]).abs(),
        })
    }

    /// Whether the shape is too small to mean anything (a click without a drag).
    pub fn is_degenerate(&self) -> bool {
        match self.tool {
            Tool::Text => self.text.as_deref().is_none_or(|t| t.trim().is_empty()),
            Tool::Pen => self.points.len() < 2,
            _ => self.bounds().is_none_or(|r| r.width.max(r.height) < 4.0),
        }
    }

    /// Moves the shape's end to `point` while it is drawn: the last corner, or a new pen point.
    pub fn extend(&mut self, point: [f64; 2]) {
        match self.tool {
            Tool::Pen => {
                let far = self
                    .points
                    .last()
                    .is_none_or(|l| distance(*l, point) >= PEN_STEP);
                if far {
                    self.points.push(point);
                }
            }
            Tool::Text => {}
            _ => {
                if self.points.len() < 2 {
                    self.points.push(point);
                } else if let Some(last) = self.points.last_mut() {
                    *last = point;
                }
            }
        }
    }
}

/// Line width for a picture `width` pixels wide.
fn line_width(width: u32) -> f64 {
    (f64::from(width) / 320.0).clamp(2.0, 8.0)
}

/// Draws every shape but redactions (already in the pixels), highlights first so the dimming
/// lies under the other shapes, then `pending` (a redaction in progress shows as a dark box).
pub fn draw_all(
    context: &CanvasRenderingContext2d,
    width: u32,
    height: u32,
    shapes: &[Shape],
    pending: Option<&Shape>,
) {
    let highlights: Vec<Region> = shapes
        .iter()
        .chain(pending)
        .filter(|s| s.tool == Tool::Highlight)
        .filter_map(Shape::bounds)
        .collect();
    if !highlights.is_empty() {
        context.save();
        context.begin_path();
        context.rect(0.0, 0.0, width.into(), height.into());
        for r in &highlights {
            // Drawn counter-clockwise: with the non-zero rule the rectangle is a hole.
            context.move_to(r.x, r.y);
            context.line_to(r.x, r.y + r.height);
            context.line_to(r.x + r.width, r.y + r.height);
            context.line_to(r.x + r.width, r.y);
            context.close_path();
        }
        context.set_fill_style_str("rgba(0, 0, 0, 0.5)");
        context.fill();
        context.restore();
    }
    let lw = line_width(width);
    for shape in shapes.iter().chain(pending) {
        let is_pending = pending.is_some_and(|p| std::ptr::eq(p, shape));
        draw(context, shape, lw, is_pending);
    }
}

fn draw(context: &CanvasRenderingContext2d, shape: &Shape, lw: f64, pending: bool) {
    context.save();
    context.set_line_width(lw);
    context.set_line_cap("round");
    context.set_line_join("round");
    context.set_stroke_style_str(&shape.color);
    context.set_fill_style_str(&shape.color);
    match shape.tool {
        Tool::Rectangle => {
            if let Some(r) = shape.bounds() {
                context.stroke_rect(r.x, r.y, r.width, r.height);
            }
        }
        Tool::Redact | Tool::Pixelate if pending => {
            if let Some(r) = shape.bounds() {
                context.set_fill_style_str("rgba(17, 17, 17, 0.75)");
                context.fill_rect(r.x, r.y, r.width, r.height);
            }
        }
        Tool::Arrow => {
            if let (Some(a), Some(b)) = (shape.points.first(), shape.points.last()) {
                arrow(context, *a, *b, lw);
            }
        }
        Tool::Pen => {
            context.begin_path();
            for (i, p) in shape.points.iter().enumerate() {
                if i == 0 {
                    context.move_to(p[0], p[1]);
                } else {
                    context.line_to(p[0], p[1]);
                }
            }
            context.stroke();
        }
        Tool::Text => {
            if let (Some(at), Some(text)) = (shape.points.first(), &shape.text) {
                label(context, *at, text, lw);
            }
        }
        // Highlights are drawn together; finished redactions are in the pixels.
        Tool::Highlight | Tool::Redact | Tool::Pixelate => {}
    }
    context.restore();
}

/// The straight-line distance from `a` to `b`. A plain square root: `f64::hypot`, like the
/// trigonometric functions, is compiled into the module from libm, where `sqrt` is one wasm
/// instruction.
fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    (dx * dx + dy * dy).sqrt()
}

fn arrow(context: &CanvasRenderingContext2d, a: [f64; 2], b: [f64; 2], lw: f64) {
    let head = lw * 5.0;
    context.begin_path();
    context.move_to(a[0], a[1]);
    context.line_to(b[0], b[1]);
    context.stroke();
    context.begin_path();
    context.move_to(b[0], b[1]);
    for [x, y] in arrow_head(a, b, head) {
        context.line_to(x, y);
    }
    context.close_path();
    context.fill();
}

/// The two back corners of the head of an arrow from `a` to `b`: `head` long, each side
/// π/7 off the shaft. Rotated with the constant cosine and sine of π/7 rather than
/// `atan2`/`sin`/`cos`, which would bring libm's trigonometry into the module.
fn arrow_head(a: [f64; 2], b: [f64; 2], head: f64) -> [[f64; 2]; 2] {
    const COS: f64 = 0.900_968_867_902_419_1; // cos(π/7)
    const SIN: f64 = 0.433_883_739_117_558_1; // sin(π/7)
    let length = distance(a, b);
    // Pointing back along the shaft; an arrow of no length points right, as atan2(0, 0) does.
    let (bx, by) = if length > 0.0 {
        ((a[0] - b[0]) / length, (a[1] - b[1]) / length)
    } else {
        (-1.0, 0.0)
    };
    [-1.0, 1.0].map(|side| {
        let (x, y) = (bx * COS - by * SIN * side, bx * SIN * side + by * COS);
        [b[0] + head * x, b[1] + head * y]
    })
}

/// Text on a box of the shape's colour, white letters: readable on any page.
fn label(context: &CanvasRenderingContext2d, at: [f64; 2], text: &str, lw: f64) {
    let size = lw * 7.0;
    context.set_font(&format!(
        "600 {}px system-ui, sans-serif",
        crate::text::number(size)
    ));
    let width = context
        .measure_text(text)
        .map(|m| m.width())
        .unwrap_or(size * text.len() as f64 * 0.6);
    let pad = size * 0.35;
    context.fill_rect(at[0], at[1], width + 2.0 * pad, size + 2.0 * pad);
    context.set_fill_style_str("#ffffff");
    context.set_text_baseline("top");
    let _ = context.fill_text(text, at[0] + pad, at[1] + pad);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_arrow_head_is_the_trigonometric_one() {
        use std::f64::consts::PI;
        for (a, b) in [
            ([0.0, 0.0], [100.0, 0.0]),
            ([10.0, 80.0], [60.0, 20.0]),
            ([50.0, 50.0], [-30.0, 90.0]),
            ([5.0, 5.0], [5.0, 5.0]),
        ] {
            let angle = f64::atan2(b[1] - a[1], b[0] - a[0]);
            let want = [-1.0, 1.0].map(|side: f64| {
                let t = angle + PI + side * PI / 7.0;
                [b[0] + 15.0 * t.cos(), b[1] + 15.0 * t.sin()]
            });
            let got = arrow_head(a, b, 15.0);
            for (g, w) in got.iter().zip(&want) {
                assert!(
                    (g[0] - w[0]).abs() < 1e-9 && (g[1] - w[1]).abs() < 1e-9,
                    "{a:?}→{b:?}: {got:?} vs {want:?}"
                );
            }
        }
    }

    fn shape(tool: Tool, points: &[[f64; 2]]) -> Shape {
        Shape {
            tool,
            points: points.to_vec(),
            color: "#e11d48".into(),
            text: None,
        }
    }

    #[test]
    fn two_point_shapes_keep_their_last_corner_and_pens_thin_their_path() {
        let mut s = shape(Tool::Rectangle, &[[0.0, 0.0]]);
        s.extend([5.0, 5.0]);
        s.extend([10.0, 20.0]);
        assert_eq!(s.points, vec![[0.0, 0.0], [10.0, 20.0]]);
        let mut pen = shape(Tool::Pen, &[[0.0, 0.0]]);
        pen.extend([1.0, 1.0]);
        pen.extend([3.0, 3.0]);
        assert_eq!(pen.points.len(), 2);
    }

    #[test]
    fn clicks_without_a_drag_are_degenerate() {
        assert!(shape(Tool::Rectangle, &[[5.0, 5.0], [6.0, 7.0]]).is_degenerate());
        assert!(!shape(Tool::Arrow, &[[5.0, 5.0], [60.0, 7.0]]).is_degenerate());
        assert!(shape(Tool::Text, &[[5.0, 5.0]]).is_degenerate());
    }

    #[test]
    fn only_redactions_have_regions_normalised_from_any_drag_direction() {
        let (r, mode) = shape(Tool::Pixelate, &[[30.0, 40.0], [10.0, 5.0]])
            .redaction()
            .unwrap();
        assert_eq!(mode, Mode::Pixelate);
        assert_eq!((r.x, r.y, r.width, r.height), (10.0, 5.0, 20.0, 35.0));
        assert!(
            shape(Tool::Rectangle, &[[0.0, 0.0], [9.0, 9.0]])
                .redaction()
                .is_none()
        );
    }
}
