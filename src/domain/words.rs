//! Purpose: enums whose variants are fixed words users type (`economic-buyer`, `mon-fri`…):
//! one declaration gives the enum, its word list, parsing and display.

/// Declares `pub enum Name { Variant => "word", … }` with `NAMES` (the words, in order),
/// `ALL` (the variants, in order), `parse(word)` and `name()`.
#[macro_export]
macro_rules! word_enum {
    (@count) => { 0usize };
    (@count $head:ident $($tail:ident)*) => { 1usize + $crate::word_enum!(@count $($tail)*) };
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $($(#[$vmeta:meta])* $variant:ident => $word:literal),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            /// The words, in declaration order.
            pub const NAMES: [&'static str; $crate::word_enum!(@count $($variant)+)] = [$($word),+];
            /// The variants, in declaration order.
            pub const ALL: [$name; $crate::word_enum!(@count $($variant)+)] = [$($name::$variant),+];

            /// The variant for an exact word.
            pub fn parse(input: &str) -> Option<Self> {
                match input {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// The variant's word.
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::word_enum! {
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Colour {
            Red => "red",
            DarkBlue => "dark-blue",
        }
    }

    #[test]
    fn words_round_trip() {
        assert_eq!(Colour::NAMES, ["red", "dark-blue"]);
        assert_eq!(Colour::ALL.map(Colour::name), Colour::NAMES);
        assert_eq!(Colour::parse("dark-blue"), Some(Colour::DarkBlue));
        assert_eq!(Colour::parse("Dark-Blue"), None);
    }
}
