//! Boilerplate stripping: split a posting into sections and blank out the
//! ones that say nothing about the job (benefits, equal-opportunity
//! statements, company blurbs, how to apply, job-board metadata), so that
//! "pension *plan*", "regardless of *pregnancy*" or "*access* to gyms" are not
//! counted as skills the job asks for.
//!
//! The classifier is a rule set, not a trained model, because every rule is
//! readable and testable and the shipped corpus is too small to train on
//! without overfitting it (see `docs/market.md`):
//!
//! 1. **Headings**: a short line (at most 8 words, no sentence-final full
//!    stop) whose words match a heading cue (`What we offer`, `Benefits`,
//!    `About us`, `How to apply`, `Requirements` …) opens a section of that
//!    kind; the section runs to the next heading. An upper-case heading at the
//!    start of a line (`RESPONSIBILITIES Develop …`) counts too.
//! 2. **Cue phrases**: inside any section, a line carrying a strong cue of
//!    one kind (`equal opportunity employer`, `sexual orientation`, `pension`,
//!    `send your CV`) is boilerplate by itself, wherever it stands.
//!
//! Dropped bytes are replaced by spaces (newlines kept), so byte offsets of
//! mentions found in the stripped text are offsets in the original text.
//!
//! ```
//! use mm_discover::sections::{Stripper, Kind};
//! let s = Stripper::new();
//! let text = "Requirements\nYou know SQL.\nWhat we offer\nA pension plan and gym access.\n";
//! let out = s.strip(text);
//! assert!(out.text.contains("SQL") && !out.text.contains("pension"));
//! assert_eq!(out.dropped[0].kind, Kind::Benefits);
//! assert_eq!(out.text.len(), text.len());
//! ```

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;
use std::borrow::Cow;

/// What a section or line is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// The job itself: tasks, requirements, skills, technologies. Kept.
    Job,
    /// Pay, perks, pension, leave, insurance.
    Benefits,
    /// Equal-opportunity and diversity statements.
    Equality,
    /// What the company is, does and believes.
    Company,
    /// How, where and by when to apply; contacts.
    Apply,
    /// Job-board metadata (job type, company size, likes).
    Meta,
}

impl Kind {
    /// Whether text of this kind is dropped before extraction.
    pub fn is_boilerplate(self) -> bool {
        self != Kind::Job
    }

    /// Lower-case name, as in `--json`.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Job => "job",
            Kind::Benefits => "benefits",
            Kind::Equality => "equality",
            Kind::Company => "company",
            Kind::Apply => "apply",
            Kind::Meta => "meta",
        }
    }
}

/// Heading cues: a short line containing one of these (lower case, as whole
/// words) is a heading of that kind. Longer cues win over shorter ones
/// (`about the role` is a job heading, `about` alone a company one).
pub const HEADINGS: &[(&str, Kind)] = &[
    // The job: these end a boilerplate section.
    ("job description", Kind::Job),
    ("description", Kind::Job),
    ("about the role", Kind::Job),
    ("about the job", Kind::Job),
    ("about the position", Kind::Job),
    ("about you", Kind::Job),
    ("the role", Kind::Job),
    ("the position", Kind::Job),
    ("your role", Kind::Job),
    ("your job", Kind::Job),
    ("your mission", Kind::Job),
    ("your profile", Kind::Job),
    ("your tasks", Kind::Job),
    ("your team", Kind::Job),
    ("the team", Kind::Job),
    ("responsibilities", Kind::Job),
    ("key responsibilities", Kind::Job),
    ("requirements", Kind::Job),
    ("qualifications", Kind::Job),
    ("skills", Kind::Job),
    ("experience", Kind::Job),
    ("tasks", Kind::Job),
    ("duties", Kind::Job),
    ("what you will do", Kind::Job),
    ("what you'll do", Kind::Job),
    ("what you'll be doing", Kind::Job),
    ("what you need", Kind::Job),
    ("what we need", Kind::Job),
    ("what we expect", Kind::Job),
    ("what we're looking for", Kind::Job),
    ("who we are looking for", Kind::Job),
    ("who are we looking for", Kind::Job),
    ("looking for", Kind::Job),
    ("you have", Kind::Job),
    ("you bring", Kind::Job),
    ("nice to have", Kind::Job),
    ("bonus points", Kind::Job),
    ("technologies", Kind::Job),
    ("tech stack", Kind::Job),
    ("our stack", Kind::Job),
    ("must have", Kind::Job),
    ("we expect", Kind::Job),
    // Benefits.
    ("what we offer", Kind::Benefits),
    ("what we can offer", Kind::Benefits),
    ("what we'll offer", Kind::Benefits),
    ("we offer", Kind::Benefits),
    ("our offer", Kind::Benefits),
    ("job benefits", Kind::Benefits),
    ("benefits", Kind::Benefits),
    ("perks", Kind::Benefits),
    ("compensation", Kind::Benefits),
    ("salary", Kind::Benefits),
    ("why join us", Kind::Benefits),
    ("why work", Kind::Benefits),
    ("what's in it for you", Kind::Benefits),
    ("in return", Kind::Benefits),
    ("appointment terms", Kind::Benefits),
    // Equality.
    ("equal opportunity", Kind::Equality),
    ("equal opportunities", Kind::Equality),
    ("diversity", Kind::Equality),
    ("inclusion", Kind::Equality),
    ("eeo", Kind::Equality),
    // Company.
    ("company description", Kind::Company),
    ("about us", Kind::Company),
    ("about the company", Kind::Company),
    ("about", Kind::Company),
    ("who we are", Kind::Company),
    ("who are we", Kind::Company),
    ("our company", Kind::Company),
    ("the company", Kind::Company),
    ("our story", Kind::Company),
    ("our mission", Kind::Company),
    ("our culture", Kind::Company),
    ("culture", Kind::Company),
    ("our values", Kind::Company),
    ("company type", Kind::Company),
    ("company size", Kind::Company),
    ("industry", Kind::Company),
    // How to apply.
    ("how to apply", Kind::Apply),
    ("application", Kind::Apply),
    ("application procedure", Kind::Apply),
    ("application process", Kind::Apply),
    ("hiring process", Kind::Apply),
    ("recruitment process", Kind::Apply),
    ("interview process", Kind::Apply),
    ("next steps", Kind::Apply),
    ("interested", Kind::Apply),
    ("contact", Kind::Apply),
    ("further information", Kind::Apply),
    ("more information", Kind::Apply),
    ("deadline", Kind::Apply),
    ("apply", Kind::Apply),
    ("approval and enrolment", Kind::Apply),
    // Job-board metadata.
    ("job type", Kind::Meta),
    ("experience level", Kind::Meta),
    ("role:", Kind::Meta),
    ("location:", Kind::Meta),
    ("location options", Kind::Meta),
    ("date posted", Kind::Meta),
    ("likes", Kind::Meta),
    ("start date", Kind::Meta),
];

/// Cue phrases that make one line boilerplate wherever it stands. Each is
/// specific enough that a requirement line would not carry it.
pub const LINE_CUES: &[(&str, Kind)] = &[
    ("equal opportunity", Kind::Equality),
    ("equal opportunities", Kind::Equality),
    ("equal employment", Kind::Equality),
    ("affirmative action", Kind::Equality),
    ("without regard to", Kind::Equality),
    ("regardless of", Kind::Equality),
    ("sexual orientation", Kind::Equality),
    ("gender identity", Kind::Equality),
    ("marital status", Kind::Equality),
    ("veteran status", Kind::Equality),
    ("national origin", Kind::Equality),
    ("religion", Kind::Equality),
    ("protected characteristic", Kind::Equality),
    ("protected veteran", Kind::Equality),
    ("we celebrate diversity", Kind::Equality),
    ("diverse and inclusive", Kind::Equality),
    ("inclusive workplace", Kind::Equality),
    ("encourage applications from", Kind::Equality),
    ("reasonable accommodation", Kind::Equality),
    ("pension", Kind::Benefits),
    ("retirement savings", Kind::Benefits),
    ("health insurance", Kind::Benefits),
    ("healthcare and insurance", Kind::Benefits),
    ("dental", Kind::Benefits),
    ("paid time off", Kind::Benefits),
    ("days of holiday", Kind::Benefits),
    ("days of vacation", Kind::Benefits),
    ("vacation days", Kind::Benefits),
    ("holiday allowance", Kind::Benefits),
    ("annual leave", Kind::Benefits),
    ("parental leave", Kind::Benefits),
    ("paternity leave", Kind::Benefits),
    ("maternity", Kind::Benefits),
    ("stock purchase", Kind::Benefits),
    ("stock options", Kind::Benefits),
    ("competitive salary", Kind::Benefits),
    ("salary and bonus", Kind::Benefits),
    ("gym membership", Kind::Benefits),
    ("wellness program", Kind::Benefits),
    ("tuition assistance", Kind::Benefits),
    ("tuition reimbursement", Kind::Benefits),
    ("free lunch", Kind::Benefits),
    ("subsidised lunch", Kind::Benefits),
    ("fruits & drinks", Kind::Benefits),
    ("bike loan", Kind::Benefits),
    ("cyclescheme", Kind::Benefits),
    ("charitable contribution", Kind::Benefits),
    ("employee resource group", Kind::Benefits),
    ("paid relocation", Kind::Benefits),
    ("visa sponsor", Kind::Benefits),
    ("arts and entertainment", Kind::Benefits),
    ("send your cv", Kind::Apply),
    ("send us your", Kind::Apply),
    ("apply now", Kind::Apply),
    ("please apply", Kind::Apply),
    ("submit your application", Kind::Apply),
    ("send your application", Kind::Apply),
    ("forward to your application", Kind::Apply),
    ("forward to receiving your application", Kind::Apply),
    ("application deadline", Kind::Apply),
    ("recruitment agencies", Kind::Apply),
    ("read more at", Kind::Apply),
    ("see more at", Kind::Apply),
    ("learn more at", Kind::Apply),
    ("more information is available", Kind::Apply),
];

/// Job-board fields written inline (case as exported), with the kind of
/// their value; `None` only ends the previous field (`Technologies` and the
/// job description are kept).
pub const INLINE_FIELDS: &[(&str, Option<Kind>)] = &[
    ("Industry:", Some(Kind::Company)),
    ("Company size:", Some(Kind::Company)),
    ("Company type:", Some(Kind::Company)),
    ("Company description:", Some(Kind::Company)),
    ("Job type:", Some(Kind::Meta)),
    ("Experience level:", Some(Kind::Meta)),
    ("Role:", Some(Kind::Meta)),
    ("Location options:", Some(Kind::Meta)),
    ("Date posted:", Some(Kind::Meta)),
    ("Likes:", Some(Kind::Meta)),
    ("Compensation:", Some(Kind::Benefits)),
    ("Job benefits:", Some(Kind::Benefits)),
    ("Technologies", None),
    ("Job description", None),
];

/// An inline field found in a line: kind, byte span, field name.
type FieldSpan = (Kind, usize, usize, &'static str);
/// The kind and name of an inline field that holds a value.
type FieldKind = (Kind, &'static str);

/// Sentences of a line into `out` (cleared first): byte ranges ending
/// after `.`, `!` or `?` followed by a space.
fn units(line: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    let mut start = 0;
    let b = line.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if matches!(c, b'.' | b'!' | b'?') && b.get(i + 1) == Some(&b' ') {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < line.len() {
        out.push((start, line.len()));
    }
}

/// A dropped part of a posting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    pub kind: Kind,
    /// Byte span in the original text.
    pub start: usize,
    pub end: usize,
    /// Why: the heading or cue that decided it.
    pub because: String,
}

/// A posting with its boilerplate blanked out.
#[derive(Debug, Clone)]
pub struct Stripped<'a> {
    /// Same length as the input; dropped bytes are spaces (newlines kept).
    pub text: Cow<'a, str>,
    /// What was dropped, in text order (adjacent lines of one kind merged).
    pub dropped: Vec<Dropped>,
}

impl Stripped<'_> {
    /// Bytes dropped.
    pub fn dropped_bytes(&self) -> usize {
        self.dropped.iter().map(|d| d.end - d.start).sum()
    }
}

/// Why a span is dropped: a heading (a byte range of the text) or a cue.
#[derive(Debug, Clone, Copy)]
enum Why {
    Text(usize, usize),
    Cue(&'static str),
}

/// A span to drop, before merging.
#[derive(Debug, Clone, Copy)]
struct Span {
    kind: Kind,
    start: usize,
    end: usize,
    why: Why,
}

/// A merged span: its kind, byte range, and the span it started from.
#[derive(Debug, Clone, Copy)]
struct Merged {
    kind: Kind,
    start: usize,
    end: usize,
    first: usize,
}

/// Buffers reused by [`Stripper::strip_into`] from one posting to the next.
#[derive(Debug, Default)]
pub struct StripScratch {
    spans: Vec<Span>,
    merged: Vec<Merged>,
    fields: Vec<FieldSpan>,
    hits: Vec<(usize, Option<FieldKind>)>,
    units: Vec<(usize, usize)>,
    /// The text with ASCII lower-cased.
    lower: String,
    bytes: Vec<u8>,
    lossy: String,
}

/// The compiled classifier. Immutable and `Sync`: build once, share.
#[derive(Debug, Clone)]
pub struct Stripper {
    headings: AhoCorasick,
    cues: AhoCorasick,
    /// Whether a line holds any heading or line cue at all: most do not.
    any_heading: AnyOf,
    any_cue: AnyOf,
    fields: AhoCorasick,
}

impl Default for Stripper {
    fn default() -> Self {
        Self::new()
    }
}

/// Words a heading may carry besides its cue (`Our benefits:`, `About
/// <ORGANIZATION>`, `What we offer you`), and nothing else.
const HEADING_FILLER: &[&str] = &[
    "our",
    "the",
    "your",
    "you",
    "and",
    "&",
    "we",
    "us",
    "at",
    "of",
    "for",
    "a",
    "an",
    "to",
    "what",
    "who",
    "is",
    "are",
    "this",
    "in",
    "general",
    "key",
    "main",
    "basic",
    "required",
    "preferred",
    "additional",
    "job",
    "work",
    "working",
    "with",
    "-",
    "–",
    "|",
    "*",
    ":",
    "<organization>",
    "?",
    "!",
    "can",
    "will",
    "'ll",
    "need",
    "from",
    "be",
    "doing",
    "offer",
    "statement",
    "policy",
];

impl Stripper {
    pub fn new() -> Stripper {
        // Cues are lower case and searched for in ASCII-lower-cased text:
        // the matches of an ASCII-case-insensitive search, but with the
        // packed (SIMD) prefilter, which case-insensitive searches go without.
        let build = |pats: Vec<&str>| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(pats)
                .expect("static patterns compile")
        };
        let headings: Vec<&str> = HEADINGS.iter().map(|h| h.0).collect();
        let cues: Vec<&str> = LINE_CUES.iter().map(|h| h.0).collect();
        Stripper {
            any_heading: AnyOf::new(&headings),
            any_cue: AnyOf::new(&cues),
            headings: build(headings),
            cues: build(cues),
            fields: AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .build(INLINE_FIELDS.iter().map(|f| f.0))
                .expect("static patterns compile"),
        }
    }

    /// Classify one line as a heading: `Some((kind, heading_len))` when the
    /// line (or its upper-case start) is a heading. `heading_len` is the byte
    /// length of the heading part.
    pub fn heading(&self, line: &str) -> Option<(Kind, usize)> {
        self.heading_lc(line, &line.to_ascii_lowercase())
    }

    /// [`Stripper::heading`], given `lower`: `line` with ASCII lower-cased
    /// (the same length and char boundaries).
    fn heading_lc(&self, line: &str, lower: &str) -> Option<(Kind, usize)> {
        let t = trim(line);
        if t.is_empty() {
            return None;
        }
        let off = t.as_ptr() as usize - line.as_ptr() as usize;
        let lower_t = &lower[off..off + t.len()];
        let ends_sentence = t.ends_with('.') && !t.ends_with("..");
        // The cheap test first: most long lines end a sentence.
        if !ends_sentence
            && !more_than_8_words(t)
            && let Some(k) = self.whole_heading(t, lower_t)
        {
            return Some((k, line.len()));
        }
        // An upper-case heading run at the start of a longer line:
        // `RESPONSIBILITIES Develop and implement …`. Most lines' first
        // word has a lower-case ASCII letter before any space or non-ASCII
        // byte, which ends the run before it starts.
        if t.bytes()
            .take_while(|&b| b < 0x80 && !is_space(b))
            .any(|b| b.is_ascii_lowercase())
        {
            return None;
        }
        let mut end = 0;
        let mut n = 0;
        for w in t.split_whitespace() {
            if !w.chars().any(char::is_alphabetic) || w.chars().any(char::is_lowercase) {
                break;
            }
            n += 1;
            end = w.as_ptr() as usize - t.as_ptr() as usize + w.len();
            if n >= 5 {
                break;
            }
        }
        if n >= 1 && end < t.len() {
            let head = &t[..end];
            if head.chars().filter(|c| c.is_alphabetic()).count() >= 4
                && let Some(k) = self.whole_heading(head, &lower_t[..end])
            {
                let lead = line.len() - line.trim_start().len();
                return Some((k, lead + end));
            }
        }
        None
    }

    /// `t` is a heading if a cue covers it and the rest is filler words.
    /// `lower` is `t` with ASCII lower-cased: its lower case when `t` is ASCII.
    fn whole_heading(&self, t: &str, lower: &str) -> Option<Kind> {
        if t.is_ascii() {
            self.heading_in(lower)
        } else {
            self.heading_in(&t.to_lowercase())
        }
    }

    /// [`Stripper::whole_heading`] of `lower`, in lower case.
    fn heading_in(&self, lower: &str) -> Option<Kind> {
        if !self.any_heading.is_match(lower) {
            return None;
        }
        let mut best: Option<(usize, Kind)> = None;
        let mut filler = true;
        let mut last = 0;
        for m in self.headings.find_iter(lower) {
            // Whole words only.
            let before = lower[..m.start()].chars().next_back();
            let after = lower[m.end()..].chars().next();
            if before.is_some_and(char::is_alphanumeric) || after.is_some_and(char::is_alphanumeric)
            {
                continue;
            }
            // What lies between cues must be filler (checked gap by gap:
            // words never span a cue).
            filler = filler && all_filler(&lower[last..m.start()]);
            last = m.end();
            let len = m.end() - m.start();
            if best.is_none_or(|b| len > b.0) {
                best = Some((len, HEADINGS[m.pattern().as_usize()].1));
            }
        }
        let (_, kind) = best?;
        (filler && all_filler(&lower[last..])).then_some(kind)
    }

    /// The strongest line cue of `line`, if any.
    pub fn line_cue(&self, line: &str) -> Option<(Kind, &'static str)> {
        self.cue_lc(line, &line.to_ascii_lowercase())
    }

    /// [`Stripper::line_cue`], given `lower`: `line` with ASCII lower-cased.
    fn cue_lc(&self, line: &str, lower: &str) -> Option<(Kind, &'static str)> {
        self.cues.find_iter(lower).find_map(|m| {
            let before = line[..m.start()].chars().next_back();
            let (pat, kind) = LINE_CUES[m.pattern().as_usize()];
            let last_alnum = pat.chars().next_back().is_some_and(char::is_alphanumeric);
            let after = line[m.end()..].chars().next();
            let whole = !before.is_some_and(char::is_alphanumeric)
                && (!last_alnum || !after.is_some_and(char::is_alphanumeric));
            whole.then_some((kind, pat))
        })
    }

    /// Inline job-board fields in `line` (`Industry: Banking Finance Company
    /// size: 1k–5k`), each running to the next field or to the line's end.
    fn inline_fields(
        &self,
        line: &str,
        hits: &mut Vec<(usize, Option<FieldKind>)>,
        out: &mut Vec<FieldSpan>,
    ) {
        hits.clear();
        hits.extend(self.fields.find_iter(line).map(|m| {
            let (name, kind) = INLINE_FIELDS[m.pattern().as_usize()];
            (m.start(), kind.map(|k| (k, name)))
        }));
        for (i, &(start, kind)) in hits.iter().enumerate() {
            let Some((kind, name)) = kind else { continue };
            let end = hits.get(i + 1).map_or(line.len(), |h| h.0);
            out.push((kind, start, end, name));
        }
    }

    /// Blank out the boilerplate of `text`.
    pub fn strip<'a>(&self, text: &'a str) -> Stripped<'a> {
        let mut sc = StripScratch::default();
        self.spans(text, &mut sc);
        let dropped: Vec<Dropped> = sc
            .merged
            .iter()
            .map(|m| Dropped {
                kind: m.kind,
                start: m.start,
                end: m.end,
                because: match sc.spans[m.first].why {
                    Why::Text(a, b) => text[a..b].to_string(),
                    Why::Cue(c) => c.to_string(),
                },
            })
            .collect();
        if dropped.is_empty() {
            return Stripped {
                text: Cow::Borrowed(text),
                dropped,
            };
        }
        blank(text, &sc.merged, &mut sc.bytes);
        // Only whole UTF-8 sequences were replaced, by ASCII spaces, so this
        // is UTF-8; the lossy call keeps it panic-free anyway.
        let text = String::from_utf8(std::mem::take(&mut sc.bytes))
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        Stripped {
            text: Cow::Owned(text),
            dropped,
        }
    }

    /// The text of [`Stripper::strip`] (and only that), built in `sc`'s
    /// buffers: nothing is allocated once they have grown to a posting's
    /// size.
    pub fn strip_into<'a>(&self, text: &'a str, sc: &'a mut StripScratch) -> &'a str {
        self.spans(text, sc);
        if sc.merged.is_empty() {
            return text;
        }
        let StripScratch {
            merged,
            bytes,
            lossy,
            ..
        } = sc;
        blank(text, merged, bytes);
        let bytes: &'a Vec<u8> = bytes;
        match std::str::from_utf8(bytes) {
            Ok(s) => s,
            // Never (see `strip`), but without a panic.
            Err(_) => {
                *lossy = String::from_utf8_lossy(bytes).into_owned();
                lossy
            }
        }
    }

    /// The spans to drop (`sc.spans`) and, merged, what is dropped (`sc.merged`).
    fn spans(&self, text: &str, sc: &mut StripScratch) {
        let StripScratch {
            spans,
            merged,
            fields,
            hits,
            units: unit_buf,
            lower,
            ..
        } = sc;
        spans.clear();
        lower.clear();
        lower.push_str(text);
        lower.make_ascii_lowercase();
        let mut section = Kind::Job;
        let mut because = Why::Text(0, 0);
        let mut push = |kind: Kind, start: usize, end: usize, why: Why| {
            if end > start {
                spans.push(Span {
                    kind,
                    start,
                    end,
                    why,
                });
            }
        };
        let mut pos = 0;
        // The lines as `split_inclusive('\n')` cuts them, found with SIMD.
        while pos < text.len() {
            let start = pos;
            pos =
                memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |k| pos + k + 1);
            let line = text[start..pos].trim_end_matches(['\n', '\r']);
            let end = start + line.len();
            if trim(line).is_empty() {
                continue;
            }
            let mut body = 0;
            if let Some((k, hl)) = self.heading_lc(line, &lower[start..end]) {
                section = k;
                // The heading, trimmed, as a range of the text.
                let head = line[..hl].trim();
                let a = start + (head.as_ptr() as usize - line.as_ptr() as usize);
                because = Why::Text(a, a + head.len());
                if k.is_boilerplate() {
                    push(k, start, end, because);
                    continue;
                }
                // A job heading is kept; the rest of its line is read on.
                body = hl;
            } else if section.is_boilerplate() {
                push(section, start, end, because);
                continue;
            }
            fields.clear();
            // Every field that holds a value ends in `:`: a line without
            // one has none (the automaton is not run on it).
            if memchr::memchr(b':', &line.as_bytes()[body..]).is_some() {
                self.inline_fields(&line[body..], hits, fields);
            }
            for &(k, a, b, why) in fields.iter() {
                push(k, start + body + a, start + body + b, Why::Cue(why));
            }
            if !self.any_cue.is_match(&lower[start + body..end]) {
                // No cue anywhere in the line, so none in its sentences.
                continue;
            }
            units(&line[body..], unit_buf);
            for &(a, b) in unit_buf.iter() {
                let unit = &line[body + a..body + b];
                let lower_unit = &lower[start + body + a..start + body + b];
                if let Some((k, cue)) = self.cue_lc(unit, lower_unit) {
                    let words = unit.split_whitespace().count();
                    let limit = match k {
                        Kind::Equality | Kind::Apply => 80,
                        _ => 30,
                    };
                    if words <= limit {
                        push(k, start + body + a, start + body + b, Why::Cue(cue));
                    }
                }
            }
        }
        // In text order, overlapping or whitespace-separated spans of one
        // kind merged (a stable sort: of equal spans the first pushed wins).
        if !spans.is_sorted_by_key(|d| (d.start, std::cmp::Reverse(d.end))) {
            spans.sort_by_key(|d| (d.start, std::cmp::Reverse(d.end)));
        }
        merged.clear();
        for (i, d) in spans.iter().enumerate() {
            let mut d = Merged {
                kind: d.kind,
                start: d.start,
                end: d.end,
                first: i,
            };
            if let Some(last) = merged.last_mut() {
                if d.end <= last.end {
                    continue;
                }
                let touching = d.start < last.end || text[last.end..d.start].trim().is_empty();
                if d.kind == last.kind && touching {
                    last.end = d.end;
                    continue;
                }
                d.start = d.start.max(last.end);
            }
            merged.push(d);
        }
    }
}

/// `char::is_whitespace` of an ASCII byte (with U+000B, unlike
/// `u8::is_ascii_whitespace`).
#[inline(always)]
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// `s.trim()`: ASCII spaces cut byte by byte, and the general (Unicode)
/// trim only when a non-ASCII byte is left at either end.
#[inline(always)]
fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    let (mut a, mut z) = (0, b.len());
    while a < z && is_space(b[a]) {
        a += 1;
    }
    while z > a && is_space(b[z - 1]) {
        z -= 1;
    }
    // Cut at ASCII bytes only, so at char boundaries.
    let t = &s[a..z];
    match (t.as_bytes().first(), t.as_bytes().last()) {
        (Some(&f), Some(&l)) if f >= 0x80 || l >= 0x80 => t.trim(),
        _ => t,
    }
}

/// `t.split_whitespace().count() > 8`, eight ASCII bytes at a time (SWAR),
/// then byte by byte; the general count once a non-ASCII byte shows.
fn more_than_8_words(t: &str) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // Per byte of ASCII `x`, the high bit set where the byte is >= `k`
    // (no carry crosses a byte: each is below 0x80).
    let at_least = |x: u64, k: u64| (x + (0x80 - k) * ONES) & HIGH;
    let mut words = 0;
    let mut in_word = false;
    let b = t.as_bytes();
    let mut chunks = b.chunks_exact(8);
    for c in &mut chunks {
        let mut a = [0u8; 8];
        a.copy_from_slice(c);
        let x = u64::from_le_bytes(a);
        if x & HIGH != 0 {
            return t.split_whitespace().nth(8).is_some();
        }
        // Spaces: U+0020 and U+0009..=U+000D, as `is_space`.
        let space_byte = !(((x ^ (0x20 * ONES)) + 0x7f * ONES) | (x ^ (0x20 * ONES))) & HIGH;
        let control = at_least(x, 0x09) & !at_least(x, 0x0e);
        let space = space_byte | control;
        // A word starts at a byte that is no space after one that is (the
        // byte before the chunk counts by `in_word`).
        let before = (space << 8) | if in_word { 0 } else { 0x80 };
        words += (!space & HIGH & before).count_ones();
        if words > 8 {
            return true;
        }
        in_word = space >> 63 == 0;
    }
    for &b in chunks.remainder() {
        if b >= 0x80 {
            return t.split_whitespace().nth(8).is_some();
        }
        let space = is_space(b);
        if !space && !in_word {
            words += 1;
            if words > 8 {
                return true;
            }
        }
        in_word = !space;
    }
    false
}

/// Whether any of many patterns occurs: a dense DFA over all of them, in
/// which every match state is one absorbing state. It is read off
/// aho-corasick's DFA of the patterns (its `Automaton` interface) when the
/// stripper is built, so the scan of a line is one table load a byte, with
/// no match test inside the loop: lines are short and most hold some
/// pattern's first bytes, so neither a prefilter nor the crate's general
/// search loop (which reports where a match ends) pays for itself.
#[derive(Debug, Clone)]
struct AnyOf {
    /// Each byte's class: its own for a byte some pattern holds, else 0
    /// (such a byte leads every state back to the start).
    class: [u8; 256],
    /// `trans[s + class]` is the state after state `s` reads a byte of
    /// that class; states are row offsets (premultiplied by the number of
    /// classes).
    trans: Vec<u32>,
    /// `trans.len() - 1` (a power of two less one).
    mask: u32,
    start: u32,
    /// The absorbing state every match leads to.
    matched: u32,
}

impl AnyOf {
    fn new(pats: &[&str]) -> AnyOf {
        use aho_corasick::Anchored;
        use aho_corasick::automaton::Automaton;
        let dfa = aho_corasick::dfa::DFA::new(pats).expect("static patterns compile");
        let mut class = [0u8; 256];
        // Class 0 is every byte no pattern holds; representatives by class.
        let mut reps = vec![0u8];
        for p in pats {
            for &b in p.as_bytes() {
                if b != 0 && class[b as usize] == 0 {
                    class[b as usize] = reps.len() as u8;
                    reps.push(b);
                }
            }
        }
        // Patterns are words: no NUL byte (it would need a class of its
        // own), and fewer than 256 distinct bytes.
        debug_assert!(reps.len() <= 256 && !pats.iter().any(|p| p.contains('\0')));
        let classes = reps.len() as u32;
        let start_id = dfa.start_state(Anchored::No).expect("unanchored DFA");
        // State 0 is the absorbing match state, 1 the start.
        let mut ids = std::collections::HashMap::from([(start_id, 1u32)]);
        let mut queue = std::collections::VecDeque::from([start_id]);
        let mut rows: Vec<Vec<u32>> = vec![vec![0; reps.len()], Vec::new()];
        while let Some(sid) = queue.pop_front() {
            let row: Vec<u32> = reps
                .iter()
                .map(|&b| {
                    let next = dfa.next_state(Anchored::No, sid, b);
                    if dfa.is_match(next) {
                        return 0;
                    }
                    let n = ids.len() as u32 + 1;
                    *ids.entry(next).or_insert_with(|| {
                        queue.push_back(next);
                        rows.push(Vec::new());
                        n
                    })
                })
                .collect();
            rows[ids[&sid] as usize] = row;
        }
        let mut trans: Vec<u32> = rows.iter().flatten().map(|&s| s * classes).collect();
        // A power of two long, so that an index masked by `len - 1` needs
        // no bounds check in the loop (every real index is below it).
        trans.resize(trans.len().next_power_of_two(), 0);
        AnyOf {
            class,
            mask: trans.len() as u32 - 1,
            trans,
            start: classes,
            matched: 0,
        }
    }

    fn is_match(&self, hay: &str) -> bool {
        let mut s = self.start;
        let trans = &self.trans[..=self.mask as usize];
        // The match state absorbs, so it is tested only now and then.
        for chunk in hay.as_bytes().chunks(32) {
            for &b in chunk {
                s = trans[((s + u32::from(self.class[b as usize])) & self.mask) as usize];
            }
            if s == self.matched {
                return true;
            }
        }
        false
    }
}

/// Are all words of `gap` (lower case) heading filler?
fn all_filler(gap: &str) -> bool {
    gap.split(|c: char| c.is_whitespace() || matches!(c, ':' | '?' | '!' | ',' | '(' | ')'))
        .filter(|w| !w.is_empty())
        .all(|w| HEADING_FILLER.contains(&w) || w.starts_with('<'))
}

/// `text` with the `merged` spans blanked (spaces, newlines kept), in `bytes`.
fn blank(text: &str, merged: &[Merged], bytes: &mut Vec<u8>) {
    bytes.clear();
    bytes.extend_from_slice(text.as_bytes());
    for d in merged {
        // Branch-free, so that the loop is vectorised.
        for b in &mut bytes[d.start..d.end] {
            *b = if *b == b'\n' { b'\n' } else { b' ' };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Random case for ASCII letters.
    fn recase(s: &str, flips: &[bool]) -> String {
        s.chars()
            .zip(flips.iter().cycle())
            .map(|(c, &f)| if f { c.to_ascii_uppercase() } else { c })
            .collect()
    }

    /// Text made of cue and heading words, filler, odd characters and line
    /// breaks, in random case.
    fn posting() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            proptest::sample::select(HEADINGS.iter().map(|h| h.0).collect::<Vec<_>>())
                .prop_map(str::to_string),
            proptest::sample::select(LINE_CUES.iter().map(|h| h.0).collect::<Vec<_>>())
                .prop_map(str::to_string),
            proptest::sample::select(INLINE_FIELDS.iter().map(|h| h.0).collect::<Vec<_>>())
                .prop_map(str::to_string),
            proptest::sample::select(HEADING_FILLER.to_vec()).prop_map(str::to_string),
            proptest::sample::select(vec![
                " ", " ", "\n", ". ", ": ", "\r\n", "\t", "İ", "ß", "\u{a0}", "SQL", "é"
            ])
            .prop_map(str::to_string),
            "\\PC{0,6}",
        ];
        (
            proptest::collection::vec(piece, 0..40),
            proptest::collection::vec(any::<bool>(), 1..16),
        )
            .prop_map(|(ps, flips)| recase(&ps.concat(), &flips))
    }

    #[test]
    fn cues_are_lower_case() {
        // They are searched for in lower-cased text.
        for (p, _) in HEADINGS.iter().chain(LINE_CUES) {
            assert_eq!(*p, p.to_lowercase(), "{p}");
        }
    }

    #[test]
    fn fields_that_hold_a_value_end_in_a_colon() {
        // `spans` runs the field automaton only on lines with a `:`.
        for (f, kind) in INLINE_FIELDS {
            assert!(kind.is_none() || f.ends_with(':'), "{f}");
        }
    }

    proptest! {
        #[test]
        fn lower_cased_search_finds_what_a_case_insensitive_one_does(text in posting()) {
            // The automata as they were built before: ASCII-case-insensitive,
            // over the text as it is.
            for pats in [HEADINGS.iter().map(|h| h.0).collect::<Vec<_>>(), LINE_CUES.iter().map(|h| h.0).collect()] {
                let insensitive = AhoCorasickBuilder::new()
                    .ascii_case_insensitive(true)
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&pats)
                    .unwrap();
                let sensitive = AhoCorasickBuilder::new()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&pats)
                    .unwrap();
                let lower = text.to_ascii_lowercase();
                let a: Vec<_> = insensitive.find_iter(&text).map(|m| (m.start(), m.end(), m.pattern())).collect();
                let b: Vec<_> = sensitive.find_iter(&lower).map(|m| (m.start(), m.end(), m.pattern())).collect();
                prop_assert_eq!(a, b);
            }
        }

        #[test]
        fn word_count_fast_path(t in "[ a-zA-Z\t\n\u{b}\u{c}\r.]{0,40}|\\PC{0,30}") {
            prop_assert_eq!(more_than_8_words(&t), t.split_whitespace().count() > 8);
        }

        #[test]
        fn any_of_is_any_match(text in posting()) {
            let lower = text.to_ascii_lowercase();
            for pats in [HEADINGS.iter().map(|h| h.0).collect::<Vec<_>>(), LINE_CUES.iter().map(|h| h.0).collect()] {
                let one = AhoCorasick::new(&pats).unwrap();
                prop_assert_eq!(AnyOf::new(&pats).is_match(&lower), one.is_match(&lower));
            }
        }

        #[test]
        fn more_than_8_words_counts_as_split_whitespace(s in "[ \t\r\n\u{0b}\u{0c}\u{1c}\u{a0}ab.]{0,40}") {
            prop_assert_eq!(more_than_8_words(&s), s.split_whitespace().nth(8).is_some());
        }

        #[test]
        fn trim_is_str_trim(s in "[ \t\r\n\u{0b}\u{0c}\u{1c}\u{85}\u{a0}\u{2003}\u{3000}a-zé·]{0,12}") {
            prop_assert_eq!(trim(&s), s.trim());
        }

        #[test]
        fn strip_into_gives_the_text_of_strip(texts in proptest::collection::vec(posting(), 1..4)) {
            let s = Stripper::new();
            // One scratch for several texts, as a worker uses it.
            let mut sc = StripScratch::default();
            for text in &texts {
                let full = s.strip(text);
                prop_assert_eq!(full.text.len(), text.len());
                prop_assert_eq!(s.strip_into(text, &mut sc), full.text.as_ref());
            }
        }
    }

    #[test]
    fn headings_by_table() {
        let s = Stripper::new();
        let table: &[(&str, Option<Kind>)] = &[
            ("What we offer", Some(Kind::Benefits)),
            ("What we offer:", Some(Kind::Benefits)),
            ("Our benefits", Some(Kind::Benefits)),
            ("Job benefits:", Some(Kind::Benefits)),
            ("Compensation:", Some(Kind::Benefits)),
            ("About <ORGANIZATION>", Some(Kind::Company)),
            ("ABOUT US", Some(Kind::Company)),
            ("Company description:", Some(Kind::Company)),
            ("About the role", Some(Kind::Job)),
            ("Requirements", Some(Kind::Job)),
            ("Skills & Requirements", Some(Kind::Job)),
            ("Who we are looking for", Some(Kind::Job)),
            ("Technologies", Some(Kind::Job)),
            ("How to apply", Some(Kind::Apply)),
            ("Interested?", Some(Kind::Apply)),
            ("Equal opportunity statement", Some(Kind::Equality)),
            ("Diversity & Inclusion", Some(Kind::Equality)),
            ("Job type:", Some(Kind::Meta)),
            // Not headings: sentences, or cue words with other content.
            ("We offer a competitive salary.", None),
            ("You have strong SQL skills.", None),
            ("Experience with Docker and Kubernetes", None),
            ("Role-based access control", None),
            ("Salary negotiation with suppliers", None),
            ("", None),
        ];
        for (line, want) in table {
            assert_eq!(s.heading(line).map(|h| h.0), *want, "{line:?}");
        }
    }

    #[test]
    fn inline_upper_case_heading() {
        let s = Stripper::new();
        let line = "RESPONSIBILITIES Develop and implement a growth strategy.";
        let (k, len) = s.heading(line).unwrap();
        assert_eq!((k, &line[..len]), (Kind::Job, "RESPONSIBILITIES"));
        let line = "ABOUT US We make wine apps.";
        assert_eq!(s.heading(line).unwrap().0, Kind::Company);
        // Upper-case acronyms opening a requirement are not headings.
        assert_eq!(s.heading("SQL and AWS experience required."), None);
    }

    #[test]
    fn line_cues_by_table() {
        let s = Stripper::new();
        let table: &[(&str, Option<Kind>)] = &[
            (
                "We are an equal opportunity employer and value diversity.",
                Some(Kind::Equality),
            ),
            (
                "All qualified applicants will receive consideration without regard to race, sexual orientation or pregnancy.",
                Some(Kind::Equality),
            ),
            ("Company pension plan", Some(Kind::Benefits)),
            ("30 days of holiday", Some(Kind::Benefits)),
            ("Please send your CV to <CONTACT>", Some(Kind::Apply)),
            // Requirements are not cued.
            ("Experience with project planning and budgets.", None),
            ("You bring positive energy and SQL skills.", None),
            ("Ability to apply statistical methods.", None),
            ("Care for women during pregnancy and birth.", None),
        ];
        for (line, want) in table {
            assert_eq!(s.line_cue(line).map(|c| c.0), *want, "{line:?}");
        }
    }

    #[test]
    fn sections_run_to_the_next_heading_and_offsets_survive() {
        let s = Stripper::new();
        let text = "Senior Analyst\nRequirements\nSQL and Python.\nWhat we offer\nPension plan.\nFlexible hours and positive energy.\nAbout you\nYou plan projects.\nWe are an equal opportunity employer.\n";
        let out = s.strip(text);
        assert_eq!(out.text.len(), text.len());
        let kept: String = out.text.split_whitespace().collect::<Vec<_>>().join(" ");
        assert_eq!(
            kept,
            "Senior Analyst Requirements SQL and Python. About you You plan projects."
        );
        let kinds: Vec<Kind> = out.dropped.iter().map(|d| d.kind).collect();
        assert_eq!(kinds, [Kind::Benefits, Kind::Equality]);
        // The benefits section is one span from its heading to the next heading.
        let b = &out.dropped[0];
        assert_eq!(
            &text[b.start..b.end],
            "What we offer\nPension plan.\nFlexible hours and positive energy."
        );
        // The same offsets point at the same words.
        let i = text.find("SQL").unwrap();
        assert_eq!(&out.text[i..i + 3], "SQL");
    }

    #[test]
    fn one_line_postings_lose_their_fields_and_cued_sentences_only() {
        let s = Stripper::new();
        let text = "Backend Engineer ( Python ) Date posted: 2021-02-01 Likes: 0 Industry: Banking Finance Company size: 1k people Technologies python aws Job description You build APIs in Python and Java . We offer a pension plan . Remote Visa sponsor Paid relocation and you know SQL and Docker and Kubernetes and Terraform and many more things that make the list of this long sentence go well past the limit of thirty words so it stays whole .";
        let out = s.strip(text);
        let kept = &out.text;
        for gone in ["Banking", "1k people", "pension"] {
            assert!(!kept.contains(gone), "{gone} kept: {kept}");
        }
        for stays in [
            "Backend Engineer ( Python )",
            "python aws",
            "APIs in Python and Java",
            "Terraform",
        ] {
            assert!(kept.contains(stays), "{stays} dropped: {kept}");
        }
    }

    #[test]
    fn a_posting_without_boilerplate_is_borrowed_unchanged() {
        let s = Stripper::new();
        let out = s.strip("You write SQL.\nYou test Python code.");
        assert!(matches!(out.text, Cow::Borrowed(_)));
        assert!(out.dropped.is_empty());
    }

    #[test]
    fn multibyte_text_is_blanked_safely() {
        let s = Stripper::new();
        let text = "Wir bieten\nWhat we offer\nGehälter über Tarif – 30 days of holiday ✓\nRequirements\nSQL\n";
        let out = s.strip(text);
        assert_eq!(out.text.len(), text.len());
        assert!(!out.text.contains("Tarif") && out.text.contains("SQL"));
    }
}
