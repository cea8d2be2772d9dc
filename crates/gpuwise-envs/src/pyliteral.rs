//! Reading the generated Python files frameworks ship (torch/version.py, TensorFlow's
//! build_info.py, cupy/_version.py) without running Python: simple literals only.

use std::collections::BTreeMap;

/// A Python literal as written in a generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Literal {
    /// `'12.4'` or `"12.4"`.
    Str(String),
    /// `True` / `False`.
    Bool(bool),
    /// `None`.
    None,
    /// `['sm_80', 'compute_90']`.
    List(Vec<Literal>),
    /// Anything else, verbatim.
    Other(String),
}

impl Literal {
    /// The string, when it is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Literal::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// Top-level `name = literal` and `name: Annotation = literal` lines.
pub fn assignments(text: &str) -> BTreeMap<String, Literal> {
    let mut found = BTreeMap::new();
    for line in text.lines() {
        let Some((target, value)) = line.split_once('=') else { continue };
        if line.starts_with([' ', '\t']) || value.starts_with('=') {
            continue;
        }
        let name = target.split(':').next().unwrap_or("").trim();
        if !name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_') {
            found.insert(name.to_string(), parse(value.trim()).0);
        }
    }
    found
}

/// Every `('key', literal)` pair in the text, as in `collections.OrderedDict([('cuda_version', '12.3'), ...])`.
pub fn key_value_pairs(text: &str) -> BTreeMap<String, Literal> {
    let mut found = BTreeMap::new();
    let mut rest = text;
    while let Some(start) = rest.find('(') {
        rest = &rest[start + 1..];
        let (key, after) = parse(rest.trim_start());
        let Literal::Str(key) = key else { continue };
        let Some(after) = after.trim_start().strip_prefix(',') else { continue };
        let (value, after) = parse(after.trim_start());
        if after.trim_start().starts_with(')') {
            found.insert(key, value);
            rest = after;
        }
    }
    found
}

/// Parses one literal at the start of `text`; returns it and the rest.
fn parse(text: &str) -> (Literal, &str) {
    if let Some(quote) = text.chars().next().filter(|c| *c == '\'' || *c == '"') {
        let body = &text[1..];
        return match body.find(quote) {
            Some(end) => (Literal::Str(body[..end].to_string()), &body[end + 1..]),
            None => (Literal::Other(text.to_string()), ""),
        };
    }
    if let Some(mut rest) = text.strip_prefix('[') {
        let mut items = Vec::new();
        loop {
            rest = rest.trim_start();
            if let Some(after) = rest.strip_prefix(']') {
                return (Literal::List(items), after);
            }
            if rest.is_empty() {
                return (Literal::List(items), rest);
            }
            let (item, after) = parse(rest);
            items.push(item);
            rest = after.trim_start();
            rest = rest.strip_prefix(',').unwrap_or(rest);
            if matches!(items.last(), Some(Literal::Other(o)) if o.is_empty()) {
                return (Literal::List(items), rest);
            }
        }
    }
    let end = text.find(|c: char| matches!(c, ',' | ')' | ']' | '#') || c.is_whitespace()).unwrap_or(text.len());
    let word = &text[..end];
    let literal = match word {
        "True" => Literal::Bool(true),
        "False" => Literal::Bool(false),
        "None" => Literal::None,
        _ => Literal::Other(word.to_string()),
    };
    (literal, &text[end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_torch_version_py() {
        let text = "from typing import Optional\n\n__all__ = ['__version__', 'debug', 'cuda']\n\
                    __version__ = '2.5.1+cu124'\ndebug = False\ncuda: Optional[str] = '12.4'\nhip: Optional[str] = None\n";
        let found = assignments(text);
        assert_eq!(found["__version__"], Literal::Str("2.5.1+cu124".into()));
        assert_eq!(found["cuda"], Literal::Str("12.4".into()));
        assert_eq!(found["hip"], Literal::None);
        assert_eq!(found["debug"], Literal::Bool(false));
    }

    #[test]
    fn reads_tensorflow_build_info() {
        let text = "import collections\nbuild_info = collections.OrderedDict([('cpu_compiler', '/usr/bin/clang'), \
                    ('cuda_compute_capabilities', ['sm_60', 'sm_70', 'compute_90']), ('cuda_version', '12.3'), \
                    ('cudnn_version', '8'), ('is_cuda_build', True), ('is_rocm_build', False)])\n";
        let found = key_value_pairs(text);
        assert_eq!(found["cuda_version"], Literal::Str("12.3".into()));
        assert_eq!(found["is_cuda_build"], Literal::Bool(true));
        let caps = ["sm_60", "sm_70", "compute_90"].map(|s| Literal::Str(s.into()));
        assert_eq!(found["cuda_compute_capabilities"], Literal::List(caps.to_vec()));
    }

    #[test]
    fn garbage_never_panics() {
        for text in ["(", "('a',", "x = '", "[[[[", "('k', [1, 2", "= = =", "('k', 'v'"] {
            let _ = assignments(text);
            let _ = key_value_pairs(text);
        }
    }
}
