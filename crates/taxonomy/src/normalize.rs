//! The normaliser shared by taxonomy labels and input text, so both sides
//! agree on what a word is.
//!
//! Text is cut into word tokens, each with its byte span in the original:
//! - a token is a run of letters and digits (any script); `.` and `'`/`’`
//!   join inside a token (`node.js`, `o'reilly`), a leading `.` starts one
//!   (`.NET`), and `+`/`#` may end one (`C++`, `C#`);
//! - everything else separates tokens: whitespace of any kind, hyphens and
//!   dashes (`problem-solving` = `problem solving`), slashes, punctuation at
//!   word edges (`Java,` = `Java`).
//!
//! Each token is then folded: Unicode lower case (with `ß`→`ss` and curly
//! apostrophes made straight), a possessive `'s` dropped, and simple English
//! plurals reduced (`skills`→`skill`, `technologies`→`technology`,
//! `processes`→`process`; `business`, `analysis`, `status` stay).
//!
//! ```
//! use mm_taxonomy::normalize::normalize;
//! assert_eq!(normalize("Problem-Solving Skills!"), "problem solving skill");
//! assert_eq!(normalize("the manager’s  C++ and .NET"), "the manager c++ and .net");
//! ```

/// Is `c` a letter or digit (the core of a token)?
#[inline]
fn is_core(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }
}

#[inline]
fn char_at(text: &str, i: usize) -> Option<char> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        Some(b as char)
    } else {
        text[i..].chars().next()
    }
}

/// Call `f(start, end)` for the byte span of every token of `text`, in order.
pub fn for_each_token(text: &str, mut f: impl FnMut(usize, usize)) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let mut i = 0;
    while i < n {
        // Find the start of the next token.
        let b = bytes[i];
        let start;
        if b < 0x80 {
            if b.is_ascii_alphanumeric() {
                start = i;
                i += 1;
            } else if b == b'.'
                && i + 1 < n
                && bytes[i + 1].is_ascii_alphanumeric()
                && (i == 0 || !is_core(prev_char(text, i)))
            {
                start = i;
                i += 2;
            } else {
                i += 1;
                continue;
            }
        } else {
            let c = char_at(text, i).unwrap_or(' ');
            if is_core(c) {
                start = i;
                i += c.len_utf8();
            } else {
                i += c.len_utf8();
                continue;
            }
        }
        // Extend it.
        while i < n {
            let b = bytes[i];
            if b < 0x80 {
                // A letter or digit, or `.`/`'` joining two of them.
                if b.is_ascii_alphanumeric()
                    || ((b == b'.' || b == b'\'') && i + 1 < n && next_is_core(text, i + 1))
                {
                    i += 1;
                } else {
                    break;
                }
            } else {
                let c = char_at(text, i).unwrap_or(' ');
                if is_core(c) || ((c == '’' || c == 'ʼ') && next_is_core(text, i + c.len_utf8()))
                {
                    i += c.len_utf8();
                } else {
                    break;
                }
            }
        }
        // Trailing `+`/`#` (C++, C#, F#).
        while i < n && (bytes[i] == b'+' || bytes[i] == b'#') {
            i += 1;
        }
        f(start, i);
    }
}

#[inline]
fn next_is_core(text: &str, i: usize) -> bool {
    char_at(text, i).is_some_and(is_core)
}

fn prev_char(text: &str, i: usize) -> char {
    text[..i].chars().next_back().unwrap_or(' ')
}

/// Fold one raw token into `out` (cleared first): lower case, possessive
/// dropped, simple plural reduced.
pub fn fold_token(raw: &str, out: &mut String) {
    out.clear();
    if raw.is_ascii() {
        out.push_str(raw);
        out.make_ascii_lowercase();
    } else {
        for c in raw.chars() {
            match c {
                '’' | 'ʼ' | '‘' => out.push('\''),
                'ß' | 'ẞ' => out.push_str("ss"),
                'ς' => out.push('σ'),
                _ => out.extend(
                    c.to_lowercase()
                        .filter(|&l| is_core(l) || matches!(l, '.' | '\'' | '+' | '#')),
                ),
            }
        }
    }
    while out.ends_with("'s") {
        out.truncate(out.len() - 2);
    }
    singularize(out);
}

/// The folded form of `raw`, as [`fold_token`] writes it, but `raw` itself
/// (no copy) when folding leaves it unchanged: ASCII without upper case or
/// apostrophes, and not a word of letters that could be a plural (4+
/// letters ending in `s`). Most words of a text are so.
#[inline]
pub fn folded<'a>(raw: &'a str, buf: &'a mut String) -> &'a str {
    let b = raw.as_bytes();
    let mut letters = true;
    for &c in b {
        if c.is_ascii_uppercase() || c == b'\'' || c >= 0x80 {
            fold_token(raw, buf);
            return buf;
        }
        letters &= c.is_ascii_lowercase();
    }
    if letters && b.len() >= 4 && b[b.len() - 1] == b's' {
        fold_token(raw, buf);
        return buf;
    }
    raw
}

/// Reduce a simple English plural in place (only on words of letters, 4+ bytes).
fn singularize(w: &mut String) {
    let len = w.len();
    if len < 4 || !w.bytes().all(|b| b.is_ascii_lowercase()) {
        return;
    }
    if w.ends_with("ies") && len > 4 {
        w.truncate(len - 3);
        w.push('y');
    } else if w.ends_with("sses")
        || w.ends_with("xes")
        || w.ends_with("ches")
        || w.ends_with("shes")
        || w.ends_with("zzes")
    {
        w.truncate(len - 2);
    } else if w.ends_with('s')
        && !w.ends_with("ss")
        && !w.ends_with("us")
        && !w.ends_with("is")
        && !w.ends_with("ys")
    {
        w.truncate(len - 1);
    }
}

/// The normalised form of a whole string: folded tokens joined by one space.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut buf = String::new();
    for_each_token(text, |s, e| {
        fold_token(&text[s..e], &mut buf);
        if !buf.is_empty() {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&buf);
        }
    });
    out
}

/// The folded tokens of `text` as owned strings (for indexing).
pub fn tokens(text: &str) -> Vec<String> {
    let mut v = Vec::new();
    let mut buf = String::new();
    for_each_token(text, |s, e| {
        fold_token(&text[s..e], &mut buf);
        if !buf.is_empty() {
            v.push(buf.clone());
        }
    });
    v
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn table() {
        let cases = [
            ("Skills", "skill"),
            ("technologies", "technology"),
            ("processes", "process"),
            ("approaches", "approach"),
            ("business analysis", "business analysis"),
            ("status", "status"),
            ("problem-solving", "problem solving"),
            ("problem – solving", "problem solving"),
            ("problem\u{a0}solving\tskills", "problem solving skill"),
            ("C++, C# and F#.", "c++ c# and f#"),
            ("Node.js", "node.js"),
            (".NET Core", ".net core"),
            ("the client's needs", "the client need"),
            ("the client’s needs", "the client need"),
            ("managers' meetings", "manager meeting"),
            ("(Java)", "java"),
            ("Straße", "strasse"),
            ("ÉCOLE", "école"),
            ("TCP/IP", "tcp ip"),
            ("e.g.", "e.g"),
            ("", ""),
            ("---", ""),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input), want, "input {input:?}");
        }
    }

    #[test]
    fn spans_point_into_original() {
        let text = "Use «Excel», then C++!";
        let mut spans = Vec::new();
        for_each_token(text, |s, e| spans.push(&text[s..e]));
        assert_eq!(spans, ["Use", "Excel", "then", "C++"]);
    }

    proptest! {
        #[test]
        fn never_panics_and_spans_are_valid(s in "\\PC*") {
            let mut last = 0;
            for_each_token(&s, |a, b| {
                assert!(a >= last && a < b && b <= s.len());
                assert!(s.is_char_boundary(a) && s.is_char_boundary(b));
                last = b;
            });
        }

        #[test]
        fn folded_is_fold_token(s in "([a-zA-Z0-9.'+#’ßİ]{0,8}[ s,-]?){0,6}|\\PC{0,12}") {
            let mut buf = String::new();
            let mut want = String::new();
            // Whole strings as well as the tokens of them.
            fold_token(&s, &mut want);
            prop_assert_eq!(folded(&s, &mut buf), want.as_str());
            for_each_token(&s, |a, b| {
                fold_token(&s[a..b], &mut want);
                assert_eq!(folded(&s[a..b], &mut buf), want.as_str(), "{:?}", &s[a..b]);
            });
        }

        #[test]
        fn idempotent(s in "\\PC*") {
            let once = normalize(&s);
            prop_assert_eq!(normalize(&once), once.clone());
        }

        #[test]
        fn case_insensitive_ascii(s in "[a-zA-Z ,.\\-]{0,40}") {
            prop_assert_eq!(normalize(&s.to_uppercase()), normalize(&s.to_lowercase()));
        }
    }
}
