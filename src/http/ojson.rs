//! JSON output that keeps keys in the order they were added (upstream's order).

use serde_json::Value as Json;

/// A JSON tree whose objects keep insertion order.
#[derive(Debug, Clone, PartialEq)]
pub enum J {
    /// Any plain value (its own objects print with sorted keys).
    V(Json),
    /// An object, in order.
    O(Vec<(String, J)>),
    /// An array.
    A(Vec<J>),
}

impl J {
    /// An empty object.
    pub fn obj() -> J {
        J::O(Vec::new())
    }

    /// Appends `key: value` to an object (no effect on other kinds).
    pub fn with(mut self, key: &str, value: impl Into<J>) -> J {
        self.push(key, value);
        self
    }

    /// Appends `key: value` to an object in place.
    pub fn push(&mut self, key: &str, value: impl Into<J>) {
        if let J::O(pairs) = self {
            pairs.push((key.to_string(), value.into()));
        }
    }

    /// The compact text.
    pub fn render(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            J::V(v) => out.push_str(&v.to_string()),
            J::A(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            J::O(pairs) => {
                out.push('{');
                for (i, (k, v)) in pairs.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&Json::String(k.clone()).to_string());
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

impl From<Json> for J {
    fn from(v: Json) -> J {
        J::V(v)
    }
}

impl From<&str> for J {
    fn from(v: &str) -> J {
        J::V(Json::String(v.to_string()))
    }
}

impl From<String> for J {
    fn from(v: String) -> J {
        J::V(Json::String(v))
    }
}

impl From<bool> for J {
    fn from(v: bool) -> J {
        J::V(Json::Bool(v))
    }
}

impl From<u64> for J {
    fn from(v: u64) -> J {
        J::V(Json::from(v))
    }
}

impl From<i64> for J {
    fn from(v: i64) -> J {
        J::V(Json::from(v))
    }
}

impl From<Vec<J>> for J {
    fn from(v: Vec<J>) -> J {
        J::A(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_and_escapes() {
        let j = J::obj()
            .with("took", 0u64)
            .with("b\"", "x\n")
            .with("a", J::A(vec![J::obj().with("z", true)]));
        assert_eq!(j.render(), r#"{"took":0,"b\"":"x\n","a":[{"z":true}]}"#);
    }
}
