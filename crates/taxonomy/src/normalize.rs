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
        // Extend it (joiners, any script, trailing `+`/`#`: C++, C#, F#).
        i = extend_general(text, i);
        f(start, i);
    }
}

/// Byte classes of [`for_each_folded`]'s scan: an ASCII letter, an ASCII
/// digit, `.` or `'` (which join inside a token), `+` or `#` (which may end
/// one); and whether a byte may start a token (a letter, a digit, `.`, or
/// any byte of a multi-byte character).
const LETTER: u8 = 1;
const DIGIT: u8 = 2;
const JOIN: u8 = 4;
const TRAIL: u8 = 8;
const STARTS: u8 = 16;
const ALNUM: u8 = LETTER | DIGIT;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphabetic() {
            LETTER | STARTS
        } else if c.is_ascii_digit() {
            DIGIT | STARTS
        } else if c == b'.' {
            JOIN | STARTS
        } else if c == b'\'' {
            JOIN
        } else if c == b'+' || c == b'#' {
            TRAIL
        } else if c >= 0x80 {
            STARTS
        } else {
            0
        };
        b += 1;
    }
    t
};

/// Reusable buffers of [`for_each_folded`].
#[derive(Debug, Default)]
pub struct FoldScratch {
    /// The text with ASCII lower-cased: an ASCII token's folded form is a
    /// prefix of its span here, but for a plural in `-ies`.
    lower: Vec<u8>,
    /// A folded `-ies` plural (`technologies` → `technology`).
    ies: Vec<u8>,
    slow: String,
}

/// [`for_each_token`] and [`fold_token`] in one pass: call `f(start, end,
/// folded)` for every token of `text`, in order, with the bytes of
/// `fold_token(&text[start..end])` and their [`word_head`]. The text is
/// ASCII-lower-cased once; an ASCII token (most of them) is then a run of
/// letters and digits scanned in the original and read, folded, from the
/// lower-cased copy without a copy of its own (a possessive or a plural
/// only shortens it, but for `-ies`). A token with other characters is cut
/// and folded as [`for_each_token`] and [`fold_token`] do.
#[inline]
pub fn for_each_folded(
    text: &str,
    sc: &mut FoldScratch,
    mut f: impl FnMut(usize, usize, &[u8], u64),
) {
    let bytes = text.as_bytes();
    let n = bytes.len();
    let FoldScratch { lower, ies, slow } = sc;
    lower.clear();
    lower.extend_from_slice(bytes);
    lower.make_ascii_lowercase();
    let lower: &[u8] = lower;
    let mut i = 0;
    'scan: while i < n {
        // Skip what cannot start a token (spaces, most punctuation).
        while i < n && CLASS[bytes[i] as usize] & STARTS == 0 {
            i += 1;
        }
        if i == n {
            break;
        }
        let b = bytes[i];
        let start = i;
        // `Some((k, false))`: the token folds to `lower[start..start + k]`;
        // `Some((k, true))`: to `ies[..k]`; `None`: the general path cuts
        // and folds it (from `i` on). One call of `f` below, so that it is
        // inlined.
        let fast: Option<(usize, bool)> = 'token: {
            if b == b'.' {
                if i + 1 < n
                    && bytes[i + 1].is_ascii_alphanumeric()
                    && (i == 0 || !is_core(prev_char(text, i)))
                {
                    i += 1;
                } else {
                    i += 1;
                    continue 'scan;
                }
            } else if b >= 0x80 {
                let c = char_at(text, i).unwrap_or(' ');
                i += c.len_utf8();
                if !is_core(c) {
                    continue 'scan;
                }
                break 'token None;
            }
            // Extend it a run of ASCII letters and digits at a time,
            // across joiners (`node.js`, `o'reilly`).
            let mut apostrophe = false;
            loop {
                while i < n && CLASS[bytes[i] as usize] & ALNUM != 0 {
                    i += 1;
                }
                if i == n {
                    break;
                }
                let b = bytes[i];
                if b >= 0x80 {
                    // A letter of another script (or a curly apostrophe
                    // inside the word) continues the token: the general
                    // path takes it.
                    let c = char_at(text, i).unwrap_or(' ');
                    if is_core(c)
                        || ((c == '’' || c == 'ʼ') && next_is_core(text, i + c.len_utf8()))
                    {
                        break 'token None;
                    }
                    break;
                }
                if CLASS[b as usize] & JOIN != 0 && i + 1 < n && next_is_core(text, i + 1) {
                    i += 1;
                    apostrophe |= b == b'\'';
                    continue;
                }
                break;
            }
            // Trailing `+`/`#` (C++, C#, F#).
            while i < n && CLASS[bytes[i] as usize] & TRAIL != 0 {
                i += 1;
            }
            // Fold: possessive `'s` dropped, simple plural reduced (of a
            // word of lower-case letters only).
            let w = &lower[start..i];
            let mut k = w.len();
            if apostrophe {
                while k >= 2 && w[k - 2] == b'\'' && w[k - 1] == b's' {
                    k -= 2;
                }
            }
            if k >= 4 && w[k - 1] == b's' && w[..k].iter().all(u8::is_ascii_lowercase) {
                if w[..k].ends_with(b"ies") && k > 4 {
                    ies.clear();
                    ies.extend_from_slice(&w[..k - 2]);
                    ies[k - 3] = b'y';
                    break 'token Some((k - 2, true));
                }
                k = plural_cut(&w[..k]);
            }
            Some((k, false))
        };
        let (word, head) = match fast {
            Some((k, false)) => {
                let word = &lower[start..start + k];
                // The first 8 bytes as `word_head` gives them, read at once
                // where the text goes on that far (what lies past `k` is
                // masked off).
                let head = match lower.get(start..start + 8) {
                    Some(h) => {
                        let mut a = [0u8; 8];
                        a.copy_from_slice(h);
                        let mask = if k >= 8 { !0 } else { (1u64 << (8 * k)) - 1 };
                        u64::from_le_bytes(a) & mask
                    }
                    None => word_head(word),
                };
                (word, head)
            }
            Some((k, true)) => (&ies[..k], word_head(&ies[..k])),
            None => {
                i = extend_general(text, i);
                fold_token(&text[start..i], slow);
                (slow.as_bytes(), word_head(slow.as_bytes()))
            }
        };
        f(start, i, word, head);
    }
}

/// The first 8 bytes of `w` as a little-endian `u64`, zero-padded: what a
/// hash table of words can compare at once.
#[inline]
pub fn word_head(w: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    let n = w.len().min(8);
    a[..n].copy_from_slice(&w[..n]);
    u64::from_le_bytes(a)
}

/// The rest of a token from `i`, as [`for_each_token`] extends it (any
/// script, joiners, trailing `+`/`#`): the token's end.
fn extend_general(text: &str, mut i: usize) -> usize {
    let bytes = text.as_bytes();
    let n = bytes.len();
    while i < n {
        let b = bytes[i];
        if b < 0x80 {
            if b.is_ascii_alphanumeric()
                || ((b == b'.' || b == b'\'') && i + 1 < n && next_is_core(text, i + 1))
            {
                i += 1;
            } else {
                break;
            }
        } else {
            let c = char_at(text, i).unwrap_or(' ');
            if is_core(c) || ((c == '’' || c == 'ʼ') && next_is_core(text, i + c.len_utf8())) {
                i += c.len_utf8();
            } else {
                break;
            }
        }
    }
    while i < n && (bytes[i] == b'+' || bytes[i] == b'#') {
        i += 1;
    }
    i
}

/// The length of `t` (lower-case ASCII letters, at least 4, ending in
/// `s`, not in `-ies` past 4 letters) once [`singularize`] has cut its
/// plural ending.
fn plural_cut(t: &[u8]) -> usize {
    let len = t.len();
    if t.ends_with(b"sses")
        || t.ends_with(b"xes")
        || t.ends_with(b"ches")
        || t.ends_with(b"shes")
        || t.ends_with(b"zzes")
    {
        len - 2
    } else if !t.ends_with(b"ss")
        && !t.ends_with(b"us")
        && !t.ends_with(b"is")
        && !t.ends_with(b"ys")
    {
        len - 1
    } else {
        len
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
        fn for_each_folded_is_tokens_then_fold(s in prop_oneof![
            // Words with the endings folding looks at, in any case.
            proptest::collection::vec(prop_oneof![
                "[a-zA-Z]{1,6}",
                proptest::sample::select(vec![
                    "ies", "IES", "es", "s", "S", "'s", "'S", "’s", "ss", "us", "is", "ys",
                    "sses", "xes", "ches", "shes", "zzes", ".", "'", "’", "+", "#", "ß", "İ",
                    "É", "é", "9", " ", " ", ", ", "-", "\u{a0}", ".net", "\n",
                ]).prop_map(str::to_string),
            ], 0..24).prop_map(|v| v.concat()),
            "\\PC{0,40}",
            "[a-z]{60,70}(s|ies|'s)?",
            "[a-z]{60,64}[+#]{0,4}",
        ]) {
            let mut want = Vec::new();
            let mut buf = String::new();
            for_each_token(&s, |a, b| {
                fold_token(&s[a..b], &mut buf);
                want.push((a, b, buf.clone()));
            });
            let mut got = Vec::new();
            let mut sc = FoldScratch::default();
            for_each_folded(&s, &mut sc, |a, b, w, head| {
                assert_eq!(head, word_head(w));
                got.push((a, b, String::from_utf8(w.to_vec()).expect("UTF-8")));
            });
            prop_assert_eq!(got, want);
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
