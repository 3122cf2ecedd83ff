//! One value per member of a closed set, indexed by the member:
//! [`keyed_array!`](crate::keyed_array) declares such an array type for an enum whose members
//! are `0..N` in the order of its `ALL` constant (the mechanisms, the market's inputs and
//! gates, inspection's parameters), serialized as a plain array in that order.

/// Declares `pub struct $name<T>(pub [T; $len])` holding one value per `$key` (an enum with
/// an `ALL: [$key; $len]` constant listing its members in declaration order), with `from_fn`,
/// `values`, `iter`, `map` and indexing by `$key`. Serializes as a plain array; the declaring
/// crate needs `serde`.
#[macro_export]
macro_rules! keyed_array {
    ($(#[$doc:meta])* $name:ident, $key:ident, $len:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name<T>(pub [T; $len]);

        impl<T> $name<T> {
            #[doc = concat!("Each [`", stringify!($key), "`]'s value from `value`.")]
            pub fn from_fn(mut value: impl FnMut($key) -> T) -> $name<T> {
                $name($key::ALL.map(&mut value))
            }

            #[doc = concat!("The values in [`", stringify!($key), "::ALL`] order.")]
            pub fn values(&self) -> impl Iterator<Item = &T> {
                self.0.iter()
            }

            #[doc = concat!("(key, value) in [`", stringify!($key), "::ALL`] order.")]
            pub fn iter(&self) -> impl Iterator<Item = ($key, &T)> {
                $key::ALL.into_iter().zip(self.0.iter())
            }

            /// Each value mapped by `f`.
            pub fn map<U>(self, f: impl FnMut(T) -> U) -> $name<U> {
                $name(self.0.map(f))
            }
        }

        impl<T> std::ops::Index<$key> for $name<T> {
            type Output = T;

            fn index(&self, key: $key) -> &T {
                &self.0[key as usize]
            }
        }

        impl<T> std::ops::IndexMut<$key> for $name<T> {
            fn index_mut(&mut self, key: $key) -> &mut T {
                &mut self.0[key as usize]
            }
        }
    };
}
