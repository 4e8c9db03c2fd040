//! Bounding text, for both modules: capture bounds what it records, the reporter what it sends.

/// Cuts `s` to at most `max` bytes on a character boundary, marking the cut with `…`.
pub fn clip(mut s: String, max: usize, truncated: &mut bool) -> String {
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
        s.push('…');
        *truncated = true;
    }
    s
}
