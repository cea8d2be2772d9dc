//! Python's `string.Template(value).safe_substitute(environ)`, which Jupyter applies to every
//! value of a kernelspec's `env`: `$NAME` and `${NAME}` expand, `$$` is `$`, unknown names and
//! stray `$` stay as written.

use gpuwise_core::Variables;

/// Expands `value` against `vars` as Jupyter does.
pub fn safe_substitute(value: &str, vars: &Variables) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
            continue;
        }
        let (name, braced) = match after.strip_prefix('{') {
            Some(inner) => (identifier(inner), true),
            None => (identifier(after), false),
        };
        let closed = !braced || after[1 + name.len()..].starts_with('}');
        match vars.get(name).filter(|_| !name.is_empty() && closed) {
            Some(found) => {
                out.push_str(found);
                rest = &after[name.len() + if braced { 2 } else { 0 }..];
            }
            None => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The longest prefix of `text` that is a Template identifier: `[_a-zA-Z][_a-zA-Z0-9]*`.
fn identifier(text: &str) -> &str {
    let starts = text.starts_with(|c: char| c == '_' || c.is_ascii_alphabetic());
    let end =
        if starts { text.find(|c: char| c != '_' && !c.is_ascii_alphanumeric()).unwrap_or(text.len()) } else { 0 };
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn behaves_like_python_safe_substitute() {
        let vars = Variables::from_text([("PATH", "/usr/bin"), ("HOME", "/home/ada"), ("A_1", "x")]);
        let cases = [
            ("/opt/cuda/bin:${PATH}", "/opt/cuda/bin:/usr/bin"),
            ("$HOME/lib:$PATH", "/home/ada/lib:/usr/bin"),
            ("$A_1b", "$A_1b"), // the identifier is A_1b, which is unknown
            ("${A_1}b", "xb"),
            ("$$HOME", "$HOME"),
            ("${UNKNOWN}:$NOPE", "${UNKNOWN}:$NOPE"),
            ("cost: 5$", "cost: 5$"),
            ("${HOME", "${HOME"),
            ("$1", "$1"),
            ("", ""),
        ];
        for (value, expected) in cases {
            assert_eq!(safe_substitute(value, &vars), expected, "{value}");
        }
    }
}
