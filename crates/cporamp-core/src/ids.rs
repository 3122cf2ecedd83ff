//! The names a scenario gives its switch generations and technologies, as types: results of
//! different engines are joined on a [`TechnologyId`] or a [`GenerationId`], never on a bare
//! string, so a technology's id cannot be compared with a generation's by accident.
//!
//! Both serialize as the bare string (`"cpo_els"`, `"102.4T"`), so `results.json` shows the
//! ids as the scenario file writes them; both dereference to `str` for printing and lookups.

use serde::{Deserialize, Serialize};

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            /// The id `name`, as the scenario writes it.
            #[must_use]
            pub fn new(name: impl Into<String>) -> Self {
                Self(name.into())
            }

            /// The id as text.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl std::ops::Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl std::borrow::Borrow<str> for $name {
            fn borrow(&self) -> &str {
                &self.0
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(name: &str) -> Self {
                Self(name.to_string())
            }
        }

        impl From<String> for $name {
            fn from(name: String) -> Self {
                Self(name)
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }

        impl PartialEq<String> for $name {
            fn eq(&self, other: &String) -> bool {
                &self.0 == other
            }
        }
    };
}

id!(
    /// A technology's id: the key of its `[technology.<id>]` table (`cpo_els`).
    TechnologyId
);
id!(
    /// A switch generation's id: the key of its `[generation.<id>]` table (`102.4T`).
    GenerationId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_serializes_prints_and_compares_as_its_text() {
        let id = TechnologyId::new("cpo_els");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"cpo_els\"");
        assert_eq!(id.to_string(), "cpo_els");
        assert!(id == "cpo_els" && id != "lpo");
        let parsed: GenerationId = serde_json::from_str("\"102.4T\"").unwrap();
        assert_eq!(parsed.as_str(), "102.4T");
        let map = std::collections::BTreeMap::from([(id.clone(), 1)]);
        assert_eq!(map.get("cpo_els"), Some(&1));
    }
}
