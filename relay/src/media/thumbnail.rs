//! Inbox thumbnails: a small JPEG of the top of a report's screenshot, made by the relay the
//! first time the inbox shows the report and kept in the store, so a page of fifty reports
//! downloads kilobytes, not fifty full screenshots.
//!
//! The screenshot is hostile input (anyone with the public key can upload an image), so the
//! decoder runs with limits on dimensions and memory, and a picture that cannot be decoded
//! within them simply has no thumbnail.

use std::io::Cursor;

use image::imageops::FilterType;
use image::{DynamicImage, ImageFormat, ImageReader, Limits};

/// Width of a thumbnail in pixels: the inbox shows it at 96 CSS pixels, so this is sharp on a
/// screen of up to 2.5 device pixels per CSS pixel.
pub const WIDTH: u32 = 240;
/// The inbox's thumbnail box is 8:5; taller screenshots are cut to their top (what the user saw
/// first), which is also where the box anchors them.
pub const MAX_HEIGHT: u32 = WIDTH * 5 / 8;
/// JPEG quality: text in a 240-pixel picture is not legible anyway, colours and layout are.
const QUALITY: u8 = 70;
/// Largest side and decoded size accepted: a full-page screenshot of a long page fits, a
/// decompression bomb does not.
const MAX_SIDE: u32 = 32_768;
const MAX_DECODED_BYTES: u64 = 512 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum ThumbnailError {
    #[error("{0} is not a picture type thumbnails are made from")]
    Unsupported(String),
    #[error("the picture could not be decoded: {0}")]
    Decode(#[from] image::ImageError),
}

/// The thumbnail of `bytes`, a picture of `content_type`, as JPEG.
pub fn make(bytes: &[u8], content_type: &str) -> Result<Vec<u8>, ThumbnailError> {
    let format = match content_type {
        "image/png" => ImageFormat::Png,
        "image/webp" => ImageFormat::WebP,
        "image/jpeg" => ImageFormat::Jpeg,
        other => return Err(ThumbnailError::Unsupported(other.to_owned())),
    };
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let picture = reader.decode()?;
    let (w, h) = (picture.width().max(1), picture.height().max(1));
    // Cut to the box's shape first (at full size), then scale: scaling reads fewer pixels.
    let keep = h.min(
        u32::try_from(u64::from(w) * u64::from(MAX_HEIGHT) / u64::from(WIDTH))
            .unwrap_or(u32::MAX)
            .max(1),
    );
    let top = picture.crop_imm(0, 0, w, keep);
    let width = WIDTH.min(w);
    let height = (u64::from(keep) * u64::from(width) / u64::from(w)).clamp(1, MAX_HEIGHT.into());
    let small = top.resize_exact(width, height as u32, FilterType::Triangle);
    // JPEG has no alpha: flatten onto white, as the page's background most often is.
    let rgb = flatten(&small);
    let mut out = Vec::new();
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, QUALITY);
    rgb.write_with_encoder(encoder)?;
    Ok(out)
}

fn flatten(picture: &DynamicImage) -> DynamicImage {
    if !picture.color().has_alpha() {
        return DynamicImage::ImageRgb8(picture.to_rgb8());
    }
    let rgba = picture.to_rgba8();
    let rgb = image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    });
    DynamicImage::ImageRgb8(rgb)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(w: u32, h: u32) -> Vec<u8> {
        let picture = image::RgbaImage::from_fn(w, h, |x, y| {
            if y < h / 2 {
                image::Rgba([200, (x % 256) as u8, 40, 255])
            } else {
                image::Rgba([0, 0, 0, 0])
            }
        });
        let mut out = Vec::new();
        DynamicImage::ImageRgba8(picture)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    fn size_of(jpeg: &[u8]) -> (u32, u32) {
        let picture = image::load_from_memory_with_format(jpeg, ImageFormat::Jpeg).unwrap();
        (picture.width(), picture.height())
    }

    #[test]
    fn a_screenshot_becomes_a_small_jpeg_of_its_top() {
        let viewport = make(&png(1280, 800), "image/png").unwrap();
        assert_eq!(size_of(&viewport), (WIDTH, MAX_HEIGHT));
        let long_page = make(&png(1280, 9000), "image/png").unwrap();
        assert_eq!(size_of(&long_page), (WIDTH, MAX_HEIGHT), "cut to the top");
        let wide_strip = make(&png(2400, 100), "image/png").unwrap();
        assert_eq!(size_of(&wide_strip), (WIDTH, 10));
        let tiny = make(&png(100, 50), "image/png").unwrap();
        assert_eq!(size_of(&tiny), (100, 50), "never scaled up");
        assert!(viewport.len() < 20_000, "{} bytes", viewport.len());
    }

    #[test]
    fn what_is_not_a_picture_or_too_large_has_no_thumbnail() {
        assert!(matches!(
            make(b"<svg onload=alert(1)>", "image/svg+xml"),
            Err(ThumbnailError::Unsupported(_))
        ));
        assert!(matches!(
            make(b"\x89PNG\r\n\x1a\n not really", "image/png"),
            Err(ThumbnailError::Decode(_))
        ));
        // A valid picture wider than the limit is refused from its header.
        let too_wide = png(MAX_SIDE + 1, 1);
        assert!(matches!(
            make(&too_wide, "image/png"),
            Err(ThumbnailError::Decode(image::ImageError::Limits(_)))
        ));
    }
}
