//! Redaction burned into the screenshot's pixels before it is encoded: the region is replaced
//! (solid) or reduced to coarse blocks (pixelate) in the RGBA buffer itself, so what was under
//! it is not in the uploaded file at all, whatever a viewer does with the image.

use image::{GenericImage, GenericImageView, ImageBuffer, Rgba};

/// How a region is hidden.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Filled with one opaque colour.
    Solid,
    /// Averaged over blocks large enough that text cannot be read back.
    Pixelate,
}

/// A region in image pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Region {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

/// The colour of a solid redaction.
pub const SOLID: [u8; 4] = [17, 17, 17, 255];

/// Smallest pixelation block, in image pixels.
const MIN_BLOCK: u32 = 12;

/// Burns `regions` into `rgba`, an image of `width`×`height` pixels. Regions are clipped to the
/// image; an empty one does nothing. `false` when the buffer does not match the size.
pub fn burn(rgba: &mut [u8], width: u32, height: u32, regions: &[(Region, Mode)]) -> bool {
    let Some(mut image) = ImageBuffer::<Rgba<u8>, &mut [u8]>::from_raw(width, height, rgba) else {
        return false;
    };
    for (region, mode) in regions {
        let Some((x, y, w, h)) = clip(region, width, height) else {
            continue;
        };
        match mode {
            Mode::Solid => {
                let mut view = image.sub_image(x, y, w, h);
                for py in 0..h {
                    for px in 0..w {
                        view.put_pixel(px, py, Rgba(SOLID));
                    }
                }
            }
            Mode::Pixelate => {
                let block = MIN_BLOCK.max(w.min(h) / 6);
                let mut view = image.sub_image(x, y, w, h);
                for by in (0..h).step_by(block as usize) {
                    for bx in (0..w).step_by(block as usize) {
                        let (bw, bh) = (block.min(w - bx), block.min(h - by));
                        let mut cell = view.sub_image(bx, by, bw, bh);
                        let colour = average(&*cell);
                        for py in 0..bh {
                            for px in 0..bw {
                                cell.put_pixel(px, py, colour);
                            }
                        }
                    }
                }
            }
        }
    }
    true
}

/// The mean of every channel over `cell`, rounded. Written out rather than with
/// `imageops::resize`, whose filter kernels (Lanczos, Gaussian) bring libm's `sin` and `exp`
/// into the module, and which blends neighbouring blocks where a pixelation averages each.
fn average(cell: &impl GenericImageView<Pixel = Rgba<u8>>) -> Rgba<u8> {
    let mut sum = [0u64; 4];
    for (_, _, Rgba(p)) in cell.pixels() {
        for (s, v) in sum.iter_mut().zip(p) {
            *s += u64::from(v);
        }
    }
    let n = (u64::from(cell.width()) * u64::from(cell.height())).max(1);
    Rgba(sum.map(|s| ((s + n / 2) / n) as u8))
}

/// The region as whole pixels inside the image: `(x, y, width, height)`.
fn clip(region: &Region, width: u32, height: u32) -> Option<(u32, u32, u32, u32)> {
    let (x0, x1) = ordered(region.x, region.x + region.width);
    let (y0, y1) = ordered(region.y, region.y + region.height);
    let x0 = x0.floor().clamp(0.0, f64::from(width)) as u32;
    let y0 = y0.floor().clamp(0.0, f64::from(height)) as u32;
    let x1 = x1.ceil().clamp(0.0, f64::from(width)) as u32;
    let y1 = y1.ceil().clamp(0.0, f64::from(height)) as u32;
    (x1 > x0 && y1 > y0).then(|| (x0, y0, x1 - x0, y1 - y0))
}

fn ordered(a: f64, b: f64) -> (f64, f64) {
    if a <= b { (a, b) } else { (b, a) }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 40×20 image whose pixel (x, y) is (x, y, x+y, 255): every pixel distinct.
    fn gradient() -> Vec<u8> {
        let mut v = Vec::new();
        for y in 0..20u8 {
            for x in 0..40u8 {
                v.extend_from_slice(&[x, y, x.wrapping_add(y), 255]);
            }
        }
        v
    }

    fn pixel(buf: &[u8], x: usize, y: usize) -> &[u8] {
        &buf[(y * 40 + x) * 4..][..4]
    }

    #[test]
    fn solid_replaces_exactly_the_region() {
        let mut buf = gradient();
        let region = Region {
            x: 30.0,
            y: 15.0,
            width: -20.0,
            height: -10.0,
        };
        assert!(burn(&mut buf, 40, 20, &[(region, Mode::Solid)]));
        for y in 0..20 {
            for x in 0..40 {
                let inside = (10..30).contains(&x) && (5..15).contains(&y);
                let expected = if inside {
                    SOLID.to_vec()
                } else {
                    vec![x as u8, y as u8, (x + y) as u8, 255]
                };
                assert_eq!(pixel(&buf, x, y), expected.as_slice(), "({x},{y})");
            }
        }
    }

    #[test]
    fn pixelate_leaves_no_original_pixel_inside_and_keeps_outside() {
        let original = gradient();
        let mut buf = original.clone();
        let region = Region {
            x: 0.0,
            y: 0.0,
            width: 24.0,
            height: 12.0,
        };
        assert!(burn(&mut buf, 40, 20, &[(region, Mode::Pixelate)]));
        // Blocks of 12×12: each block is the mean of what it covered.
        for (bx, by) in [(0, 0), (12, 0)] {
            let first = pixel(&buf, bx, by).to_vec();
            for y in by..by + 12 {
                for x in bx..bx + 12 {
                    assert_eq!(pixel(&buf, x, y), first.as_slice());
                }
            }
            // Pixel (x, y) was (x, y, x+y): the block's mean is its centre, rounded up.
            let mean = [bx as u8 + 6, by as u8 + 6, (bx + by) as u8 + 11, 255];
            assert_eq!(first, mean, "block at ({bx},{by})");
        }
        assert_ne!(pixel(&buf, 5, 5), pixel(&original, 5, 5));
        assert_eq!(pixel(&buf, 30, 15), pixel(&original, 30, 15));
    }

    #[test]
    fn regions_outside_or_mismatched_buffers_do_nothing() {
        let mut buf = gradient();
        let outside = Region {
            x: 100.0,
            y: 100.0,
            width: 5.0,
            height: 5.0,
        };
        assert!(burn(&mut buf, 40, 20, &[(outside, Mode::Solid)]));
        assert_eq!(buf, gradient());
        assert!(!burn(&mut buf, 41, 20, &[(outside, Mode::Solid)]));
    }
}
