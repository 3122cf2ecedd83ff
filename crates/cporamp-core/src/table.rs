//! Tables keyed by the names of a fixed set (the failure mechanisms, the market inputs): read
//! into an array in the set's order, every name once and no other. serde's own errors name
//! the problem (`unknown field`, `missing field`, `duplicate field`), raised while the key is
//! read so that the error's path ends at the key.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use std::marker::PhantomData;

/// Reads a table keyed by `names` into its values in `names`' order.
pub(crate) struct TableVisitor<T, const N: usize> {
    names: &'static [&'static str; N],
    marker: PhantomData<T>,
}

impl<T, const N: usize> TableVisitor<T, N> {
    /// A visitor of tables keyed by `names`.
    pub(crate) fn new(names: &'static [&'static str; N]) -> Self {
        Self { names, marker: PhantomData }
    }
}

impl<'de, T: de::Deserialize<'de>, const N: usize> Visitor<'de> for TableVisitor<T, N> {
    type Value = [T; N];

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "a table with a value for each of {}", self.names.join(", "))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<[T; N], A::Error> {
        let mut values: [Option<T>; N] = std::array::from_fn(|_| None);
        while let Some(index) = map.next_key_seed(Key(self.names))? {
            if values[index].is_some() {
                return Err(de::Error::duplicate_field(self.names[index]));
            }
            values[index] = Some(map.next_value()?);
        }
        if let Some(index) = values.iter().position(Option::is_none) {
            return Err(de::Error::missing_field(self.names[index]));
        }
        Ok(values.map(|value| value.expect("every name was read")))
    }
}

/// A key of a table keyed by the names: its index among them.
struct Key<const N: usize>(&'static [&'static str; N]);

impl<'de, const N: usize> DeserializeSeed<'de> for Key<N> {
    type Value = usize;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl<const N: usize> Visitor<'_> for Key<N> {
    type Value = usize;

    fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "one of {}", self.0.join(", "))
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<usize, E> {
        self.0.iter().position(|name| *name == key).ok_or_else(|| E::unknown_field(key, self.0))
    }
}
