//! The report's objects declared once. [`report_schema!`] takes the structs of
//! [`crate::report`], written as plain Rust (doc comments, derives, serde attributes), with each
//! field that carries text a secret could travel in marked by how it is redacted, and makes from
//! that one list:
//!
//! - the structs themselves, as serde and schemars see them (the relay's reader and the JSON
//!   Schema at `protocol/report.schema.json`);
//! - the widget's writer ([`crate::write`]): each field written exactly when serde would write
//!   it, decided by the same `skip_serializing_if` attribute;
//! - the reader's shape table ([`crate::shape::OBJECTS`]): each field's JSON type, from its Rust
//!   type;
//! - both redaction walks ([`crate::redact::report`]): the typed one the relay runs and the one
//!   over a report held as JSON (a host's `beforeSend` result in the widget).
//!
//! So a new field is one line here (and its tests), and the five views of the schema cannot
//! disagree. The field's marks:
//!
//! - `#[serde(…)]`, if any, must be one the writer knows (`default`, `default = "…"`, and
//!   `skip_serializing_if` with `Option::is_none`, `Vec::is_empty`, `Map::is_empty` or
//!   `std::ops::Not::not`): any other fails to compile, rather than the writer guessing.
//! - `=> rule` after the type, if the field is redacted: `text` (every string in it), `url`
//!   (the URL rules), `headers` (the header policy, then `text` on each value), `body` (a
//!   request or response body by its content type), `dom` (the snapshot's tree) or `each`
//!   (the object or objects it holds, by their own marks). A field without a rule is sent as
//!   the page gave it (ids, numbers, the identity the host set).

/// Declares the report's structs and generates their writer, shape table and redaction walks;
/// see the [module](self) for the marks.
macro_rules! report_schema {
    ($(
        $(#[$meta:meta])*
        pub struct $name:ident {
            $(
                $(#[doc = $doc:literal])*
                $(#[serde($($serde:tt)*)])?
                pub $field:ident: $ty:ty $(=> $rule:ident)?,
            )*
        }
    )*) => {
        $(
            $(#[$meta])*
            pub struct $name {
                $(
                    $(#[doc = $doc])*
                    $(#[serde($($serde)*)])?
                    pub $field: $ty,
                )*
            }

            impl crate::write::Write for $name {
                fn write(&self, w: &mut crate::write::Writer) {
                    w.object(|f| {
                        $(crate::schema::write_field!(f, stringify!($field), &self.$field, [$($($serde)*)?]);)*
                    });
                }
            }

            impl crate::shape::Shape for $name {
                const KIND: crate::shape::Kind = crate::shape::Kind::Obj(stringify!($name));
            }

            impl $name {
                /// This object's fields and the JSON type of each.
                pub const FIELDS: &'static [(&'static str, crate::shape::Kind)] =
                    &[$((stringify!($field), <$ty as crate::shape::Shape>::KIND)),*];
            }

            impl crate::redact::report::Walk for $name {
                #[allow(unused_variables)]
                fn walk(&mut self, r: &crate::redact::Redactor, c: &mut crate::redact::Counts) {
                    $($(crate::redact::report::$rule::typed(r, c, &mut self.$field);)?)*
                }

                #[allow(unused_variables)]
                fn walk_json(
                    object: &mut crate::json::Json,
                    r: &crate::redact::Redactor,
                    c: &mut crate::redact::Counts,
                ) {
                    $($(
                        if let Some(value) = object.get_mut(stringify!($field)) {
                            crate::redact::report::$rule::json::<$ty>(r, c, value);
                        }
                    )?)*
                }
            }
        )*

        /// Every object of a report: its type name and its fields.
        pub const OBJECTS: &[(&str, &[(&str, crate::shape::Kind)])] =
            &[$((stringify!($name), $name::FIELDS)),*];
    };
}

/// Writes one field when serde would: the `#[serde(…)]` arguments decide.
macro_rules! write_field {
    ($f:ident, $key:expr, $value:expr, []) => {
        $f.value($key, $value)
    };
    ($f:ident, $key:expr, $value:expr, [default]) => {
        $f.value($key, $value)
    };
    ($f:ident, $key:expr, $value:expr, [default = $default:literal]) => {
        $f.value($key, $value)
    };
    ($f:ident, $key:expr, $value:expr, [default, skip_serializing_if = "Option::is_none"]) => {
        if let Some(value) = $value {
            $f.value($key, value)
        }
    };
    ($f:ident, $key:expr, $value:expr, [default, skip_serializing_if = "Vec::is_empty"]) => {
        if !$value.is_empty() {
            $f.value($key, $value)
        }
    };
    ($f:ident, $key:expr, $value:expr, [default, skip_serializing_if = "Map::is_empty"]) => {
        if !$value.is_empty() {
            $f.value($key, $value)
        }
    };
    ($f:ident, $key:expr, $value:expr, [default, skip_serializing_if = "std::ops::Not::not"]) => {
        if *$value {
            $f.value($key, $value)
        }
    };
}

pub(crate) use report_schema;
pub(crate) use write_field;
