//! The optional keyboard shortcut that opens the dialog, e.g. `ctrl+shift+b`. At least one
//! modifier is required, so the shortcut never swallows plain typing; keys are matched by their
//! physical code, so `alt+b` works on layouts where Alt turns `b` into another character.

/// A parsed shortcut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shortcut {
    pub ctrl: bool,
    pub alt: bool,
    pub shift: bool,
    pub meta: bool,
    /// `KeyboardEvent.code` of the key: `KeyB`, `Digit1`, `F2`, `Slash`.
    pub code: String,
}

impl Shortcut {
    /// `None` when `text` is not modifiers (`ctrl`, `alt`, `shift`, `meta`) and one key joined by `+`.
    pub fn parse(text: &str) -> Option<Shortcut> {
        let mut shortcut = Shortcut {
            ctrl: false,
            alt: false,
            shift: false,
            meta: false,
            code: String::new(),
        };
        let parts: Vec<String> = text
            .split('+')
            .map(|p| p.trim().to_ascii_lowercase())
            .collect();
        let (key, modifiers) = parts.split_last()?;
        for m in modifiers {
            let flag = match m.as_str() {
                "ctrl" | "control" => &mut shortcut.ctrl,
                "alt" | "option" => &mut shortcut.alt,
                "shift" => &mut shortcut.shift,
                "meta" | "cmd" | "command" => &mut shortcut.meta,
                _ => return None,
            };
            if std::mem::replace(flag, true) {
                return None;
            }
        }
        if !(shortcut.ctrl || shortcut.alt || shortcut.meta) {
            return None;
        }
        let mut chars = key.chars();
        shortcut.code = match (chars.next(), chars.next()) {
            (Some(c @ 'a'..='z'), None) => format!("Key{}", c.to_ascii_uppercase()),
            (Some(c @ '0'..='9'), None) => format!("Digit{c}"),
            (Some('/'), None) => "Slash".into(),
            (Some('.'), None) => "Period".into(),
            _ if key.len() <= 3
                && key.starts_with('f')
                && key[1..].parse::<u8>().is_ok_and(|n| (1..=12).contains(&n)) =>
            {
                key.to_ascii_uppercase()
            }
            _ => return None,
        };
        Some(shortcut)
    }

    pub fn matches(&self, event: &web_sys::KeyboardEvent) -> bool {
        event.ctrl_key() == self.ctrl
            && event.alt_key() == self.alt
            && event.shift_key() == self.shift
            && event.meta_key() == self.meta
            && event.code() == self.code
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_modifiers_and_one_key() {
        let s = Shortcut::parse("Ctrl+Shift+B").unwrap();
        assert!(s.ctrl && s.shift && !s.alt && !s.meta);
        assert_eq!(s.code, "KeyB");
        assert_eq!(Shortcut::parse("alt+2").unwrap().code, "Digit2");
        assert_eq!(Shortcut::parse("meta+/").unwrap().code, "Slash");
        assert_eq!(Shortcut::parse("ctrl+f9").unwrap().code, "F9");
    }

    #[test]
    fn refuses_what_would_swallow_typing_or_is_unclear() {
        assert!(Shortcut::parse("b").is_none());
        assert!(Shortcut::parse("shift+b").is_none());
        assert!(Shortcut::parse("ctrl+ctrl+b").is_none());
        assert!(Shortcut::parse("ctrl+hyper+b").is_none());
        assert!(Shortcut::parse("ctrl+bb").is_none());
        assert!(Shortcut::parse("ctrl+f13").is_none());
        assert!(Shortcut::parse("").is_none());
    }
}
