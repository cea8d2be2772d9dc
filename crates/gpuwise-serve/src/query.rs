//! A request's query string (or form body), read as browsers write it: `key=value` pairs,
//! a key given more than once (the page's size fields), `+` for spaces.

/// The pairs of one query string, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Query(Vec<(String, String)>);

impl Query {
    /// Reads `a=1&b=2&b=3`.
    pub(crate) fn parse(raw: &str) -> Query {
        Query(form_urlencoded::parse(raw.as_bytes()).map(|(k, v)| (k.into_owned(), v.into_owned())).collect())
    }

    /// The value of `key` given last and not blank (a blank field means "not given").
    pub(crate) fn get(&self, key: &str) -> Option<&str> {
        self.0.iter().rev().find(|(k, v)| k == key && !v.trim().is_empty()).map(|(_, v)| v.as_str())
    }

    /// Every value of `key`, in order, blanks included.
    pub(crate) fn all(&self, key: &str) -> Vec<&str> {
        self.0.iter().filter(|(k, _)| k == key).map(|(_, v)| v.as_str()).collect()
    }

    /// True when `key` is given as a checkbox sends it (`on`), or as `1`, `true` or `yes`.
    pub(crate) fn flag(&self, key: &str) -> bool {
        self.get(key).is_some_and(|v| matches!(v.trim().to_ascii_lowercase().as_str(), "on" | "1" | "true" | "yes"))
    }

    /// The pairs as a query string again, blanks left out (for shared links).
    pub(crate) fn encode(&self) -> String {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.0.iter().filter(|(_, v)| !v.trim().is_empty()) {
            out.append_pair(k, v);
        }
        out.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_blanks_and_flags_read_as_browsers_send_them() {
        let q = Query::parse("op=matmul&shape=4096&shape=&shape=1e3&resident=on&real=0&gpu=h100+sxm&gpu=");
        assert_eq!(q.get("op"), Some("matmul"));
        assert_eq!(q.all("shape"), vec!["4096", "", "1e3"]);
        assert_eq!(q.get("gpu"), Some("h100 sxm"), "a blank repeat does not hide a value");
        assert!(q.flag("resident") && !q.flag("real") && !q.flag("missing"));
        assert_eq!(q.encode(), "op=matmul&shape=4096&shape=1e3&resident=on&real=0&gpu=h100+sxm");
    }
}
