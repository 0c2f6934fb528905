//! Text → skill mentions.
//!
//! The [`Extractor`] is a word-level trie over every ESCO preferred and
//! alternative label (plus the label without a trailing qualifier such as
//! `(computer programming)`, and the joined form of hyphenated words, so
//! `e-mail` also matches `email`). Text and labels go through the same
//! [`crate::normalize`] tokenizer and folding; matches are whole words and
//! leftmost-longest.
//!
//! # Short and ambiguous labels
//! Some labels are ordinary words or single letters. They are neither matched
//! blindly nor dropped; each gets a [`Gate`] decided from the data:
//! - one letter (`C`, `R`): the text must be the same capital letter, and a
//!   cue must be near (within 3 words: another non-ambiguous skill mention, or
//!   a word such as `programming`, `language`, `developer`, `code`);
//! - two letters: all-capital labels (`UX`, `ML`, `PR`) must be written in
//!   capitals; mixed-case ones (`Go`, `Io`) must match the casing and have a cue
//!   near; lower-case-only ones (`re`, `ng`) only match in capitals;
//! - three letters written in capitals in ESCO (`SQL`, `GIS`, `PHP`): must be
//!   capitals in the text;
//! - capitalised product or language names that are ordinary English words in
//!   lower case ([`crate::Taxonomy::common_words`]: `Access`, `Swift`, `Hack`):
//!   must be cased as in the label (or all capitals), and at the start of a
//!   sentence (where every word is capitalised) also need a cue; a few
//!   (`Spring`, `Swift`, `Go`) always need one, and so does an obscure
//!   technology whose name is an everyday word;
//! - names written only in capitals (`SMARTS`, `PLUS`): in capitals only.
//!
//! # Everyday words that are also labels
//! [`CONTEXT_RULES`] rule out the uses real postings showed: *plan* after
//! *pension* or *savings*, *pregnancy* in an equal-opportunity list, *energy*
//! without an energy-sector word near, *Access* before *to*, *R* in *R&D*,
//! *communication* and *economics* without a skill or field cue near.
//!
//! # Technologies
//! Technology concepts ([`crate::SkillType::Technology`]) and their aliases
//! (`k8s`, `golang`, `reactjs`) are labels like any other.
//!
//! ```no_run
//! use mm_taxonomy::{Taxonomy, extract::Extractor};
//! let tax = Taxonomy::load_embedded()?;
//! let ex = Extractor::new(&tax);
//! let found = ex.find("Experience with SQL and Python required.");
//! assert_eq!(found.len(), 2);
//! # Ok::<(), mm_taxonomy::Error>(())
//! ```

use crate::model::{SkillIdx, SkillType, Taxonomy};
use crate::normalize::{FoldScratch, fold_token, for_each_folded, word_head};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

const NONE: u32 = u32::MAX;

/// Words that, near a gated label, confirm it is meant as a skill.
const CUES: &[&str] = &[
    "programming",
    "program",
    "language",
    "languages",
    "developer",
    "development",
    "engineer",
    "code",
    "coding",
    "script",
    "scripting",
    "software",
    "framework",
    "library",
    "stack",
    "statistic",
    "statistical",
    "skill",
    "spreadsheet",
    "sheet",
    "vlookup",
    "pivot",
    "macro",
    "vba",
    "formula",
    "database",
    "query",
    "sql",
    "java",
    "kotlin",
    "ios",
    "android",
    "mvc",
    "cloud",
    "api",
    "backend",
    "frontend",
    "microservice",
    "xcode",
    "cocoa",
    "objective",
];

/// Capitalised everyday words that name a technology only with a cue near
/// (`Spring Boot`, `Java and Spring`; not `Spring 2024`).
const NEED_CUE: &[&str] = &[
    "spring", "swift", "go", "rust", "dart", "julia", "chef", "puppet",
];

/// Context rules for labels that are also everyday words: the words right
/// before or after that rule a use out, words nearby (6 either side) that
/// rule it out, and, when given, words one of which must be near (3 either
/// side) for the label to count. Words are written plainly and folded like
/// text (`savings` = `saving`).
#[derive(Debug)]
pub struct ContextRule {
    /// The labels the rule is for, written plainly (one word or several:
    /// `personal development`); folded like text.
    pub labels: &'static [&'static str],
    pub not_after: &'static [&'static str],
    pub not_before: &'static [&'static str],
    pub not_near: &'static [&'static str],
    pub needs_near: &'static [&'static str],
    /// How many words either side `needs_near` looks at.
    pub near: usize,
}

/// See [`ContextRule`]. Each line was read off real postings
/// (`data/postings/postings.jsonl`): benefits lists (*pension plan*),
/// equal-opportunity statements (*pregnancy*), company blurbs (*positive
/// energy*, *access to*).
pub const CONTEXT_RULES: &[ContextRule] = &[
    ContextRule {
        labels: &["plan"],
        not_after: &[
            "pension",
            "retirement",
            "savings",
            "k",
            "401k",
            "health",
            "healthcare",
            "dental",
            "medical",
            "vision",
            "insurance",
            "benefit",
            "bonus",
            "share",
            "stock",
            "incentive",
            "off",
            "purchase",
            "commission",
            "compensation",
            "holiday",
            "vacation",
            "leave",
            "care",
            "wellness",
            "pto",
            "pay",
            "ownership",
            "option",
            "open",
            "retribution",
            "disability",
            "life",
            "development",
            "training",
            "growth",
            "career",
            "treatment",
            "cafeteria",
            "meal",
            "phone",
            "mobile",
            "data",
            "site",
            "floor",
            "teaching",
            "research",
        ],
        not_before: &["your", "ahead", "to", "type"],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["pregnancy"],
        not_after: &[],
        not_before: &[],
        not_near: &[
            "race",
            "religion",
            "sex",
            "gender",
            "sexual",
            "orientation",
            "disability",
            "discrimination",
            "color",
            "colour",
            "origin",
            "marital",
            "veteran",
            "maternity",
            "ethnicity",
            "ancestry",
            "belief",
            "identity",
            "civil",
            "partnership",
            "protected",
            "equal",
            "opportunity",
        ],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["energy"],
        not_after: &[
            "positive",
            "high",
            "great",
            "lot",
            "load",
            "full",
            "boundless",
            "good",
        ],
        not_before: &[],
        not_near: &[],
        needs_near: &[
            "sector",
            "industry",
            "system",
            "market",
            "efficiency",
            "renewable",
            "grid",
            "storage",
            "supply",
            "transition",
            "production",
            "power",
            "nuclear",
            "solar",
            "wind",
            "oil",
            "gas",
            "electricity",
            "utility",
            "utilities",
            "consumption",
            "engineer",
            "engineering",
            "climate",
            "company",
            "saving",
            "generation",
            "physics",
            "thermal",
            "kinetic",
            "heat",
            "fuel",
            "trading",
            "infrastructure",
            "carbon",
            "policy",
        ],
        near: 3,
    },
    ContextRule {
        labels: &["communication"],
        not_after: &[],
        not_before: &[],
        not_near: &[],
        needs_near: &[
            "skill",
            "excellent",
            "strong",
            "good",
            "great",
            "effective",
            "verbal",
            "written",
            "oral",
            "interpersonal",
            "clear",
            "outstanding",
            "exceptional",
            "ability",
            "superb",
            "solid",
            "fluent",
            "presentation",
            "negotiation",
            "competence",
            "talent",
        ],
        near: 3,
    },
    ContextRule {
        labels: &["economics"],
        not_after: &[],
        not_before: &["of"],
        not_near: &[],
        needs_near: &[
            "degree",
            "bachelor",
            "master",
            "msc",
            "bsc",
            "ba",
            "phd",
            "background",
            "finance",
            "financial",
            "mathematics",
            "math",
            "maths",
            "statistics",
            "study",
            "studies",
            "business",
            "education",
            "econometrics",
            "field",
            "managerial",
            "graduate",
            "university",
            "knowledge",
            "diploma",
            "qualification",
            "behavioural",
            "behavioral",
            "applied",
            "socio",
            "health",
            "development",
            "economic",
            "lecturer",
            "research",
        ],
        near: 3,
    },
    ContextRule {
        labels: &["access"],
        not_after: &[
            "free",
            "full",
            "open",
            "early",
            "remote",
            "easy",
            "exclusive",
            "unlimited",
            "direct",
            "gain",
            "have",
            "get",
            "grant",
            "provide",
            "public",
            "privileged",
            "wheelchair",
            "give",
        ],
        not_before: &[
            "to",
            "for",
            "control",
            "management",
            "right",
            "card",
            "level",
            "point",
            "request",
            "key",
            "code",
            "badge",
            "may",
            "will",
            "is",
            "can",
            "technology",
        ],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["go"],
        not_after: &["to", "let", "will", "ready"],
        not_before: &[
            "ahead", "to", "for", "live", "further", "beyond", "back", "above", "through", "the",
            "out", "getter",
        ],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["c"],
        not_after: &[
            "grade", "vitamin", "level", "class", "category", "section", "type", "b",
        ],
        not_before: &["level", "suite", "grade", "class", "licence", "license"],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["r"],
        not_after: &["grade", "p"],
        not_before: &["d"],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["spring"],
        not_after: &["this", "next", "last", "early", "late"],
        not_before: &[
            "semester", "term", "break", "season", "intake", "summer", "clean",
        ],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["swift"],
        not_after: &[],
        not_before: &["payment", "transfer", "bic", "message", "network", "gpi"],
        not_near: &["bank", "banking", "payment", "iban"],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["excel"],
        not_after: &["to", "will", "you", "and", "who", "can"],
        not_before: &["in", "at"],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &[
            "English",
            "Danish",
            "German",
            "French",
            "Spanish",
            "Dutch",
            "Swedish",
            "Norwegian",
            "Finnish",
            "Icelandic",
            "Italian",
            "Portuguese",
            "Polish",
            "Czech",
            "Russian",
            "Greek",
            "Turkish",
            "Arabic",
            "Chinese",
            "Mandarin",
            "Japanese",
            "Korean",
            "Hindi",
        ],
        not_after: &[],
        not_before: &[],
        not_near: &[],
        needs_near: &[
            "language",
            "languages",
            "fluent",
            "fluency",
            "fluently",
            "speak",
            "speaking",
            "spoken",
            "written",
            "write",
            "writing",
            "oral",
            "orally",
            "verbal",
            "verbally",
            "read",
            "reading",
            "native",
            "mother",
            "tongue",
            "proficiency",
            "proficient",
            "command",
            "skill",
            "knowledge",
            "level",
            "excellent",
            "good",
            "strong",
            "communication",
            "communicate",
            "mastery",
            "master",
            "bilingual",
            "c1",
            "c2",
            "b1",
            "b2",
            "effectively",
            "confidently",
            // Another language: a list of them (`Danish, Swedish and Norwegian`).
            "English",
            "Danish",
            "German",
            "French",
            "Spanish",
            "Dutch",
            "Swedish",
            "Norwegian",
            "Finnish",
            "Icelandic",
            "Italian",
            "Portuguese",
            "Polish",
            "Czech",
            "Russian",
            "Greek",
            "Turkish",
            "Arabic",
            "Chinese",
            "Mandarin",
            "Japanese",
            "Korean",
            "Hindi",
        ],
        near: 5,
    },
    ContextRule {
        labels: &["IT"],
        not_after: &[],
        not_before: &[
            "team",
            "department",
            "solution",
            "service",
            "consulting",
            "consultancy",
            "consultant",
            "professional",
            "industry",
            "company",
            "director",
            "manager",
            "cost",
            "controller",
            "conference",
            "community",
            "recruitment",
            "talent",
            "employer",
            "vendor",
            "market",
            "spend",
            "sector",
            "provider",
            "retail",
            "committee",
            "function",
            "organisation",
            "organization",
            "unit",
            "issue",
            "budget",
            "strategy",
            "portfolio",
        ],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["SaaS"],
        not_after: &[],
        not_before: &[
            "company", "startup", "business", "provider", "vendor", "scale", "firm",
        ],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["RT"],
        not_after: &[],
        not_before: &["pcr", "qpcr"],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["crafting"],
        not_after: &[],
        not_before: &[
            "a",
            "an",
            "the",
            "our",
            "your",
            "solution",
            "code",
            "software",
            "experience",
            "product",
            "compelling",
            "clear",
        ],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["philosophy"],
        not_after: &[
            "our",
            "their",
            "your",
            "my",
            "company",
            "design",
            "teaching",
            "team",
            "engineering",
            "product",
            "management",
            "leadership",
        ],
        not_before: &[],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["ecosystems", "ecosystem"],
        not_after: &[
            "startup",
            "business",
            "partner",
            "digital",
            "tech",
            "technology",
            "product",
            "innovation",
            "our",
            "software",
            "cloud",
            "data",
            "developer",
            "the",
            "payment",
            "mobility",
            "platform",
        ],
        not_before: &[],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &["personal development"],
        not_after: &[
            "your",
            "our",
            "and",
            "professional",
            "technical",
            "for",
            "a",
            "continuous",
            "continued",
        ],
        not_before: &[
            "period",
            "plan",
            "budget",
            "opportunity",
            "programme",
            "program",
            "and",
        ],
        not_near: &[],
        needs_near: &[],
        near: 3,
    },
    ContextRule {
        labels: &[
            "application process",
            "application procedure",
            "assessment process",
        ],
        not_after: &[],
        not_before: &[],
        not_near: &[
            "apply",
            "applicant",
            "candidate",
            "interview",
            "cv",
            "resume",
            "hiring",
            "recruitment",
            "selection",
            "shortlisting",
            "short",
            "deadline",
            "submit",
            "application",
            "the",
            "our",
        ],
        needs_near: &[],
        near: 3,
    },
];

/// Labels that ESCO or a technology list attaches to a sense postings do
/// not use: `(label, the skill it must not stand for, the skill it stands for
/// instead)`, skills by preferred label. Read off the annotated mentions of
/// the shipped postings (`crates/discover/tests/data/mentions_gold.tsv`):
/// *be responsible for* is a duty, not *assume responsibility*; *banking*
/// is not *economics*; *Google* (Cloud, Maps) is not *search engines*;
/// *UX* names a field, not *create prototype of user experience
/// solutions*; *SEO* is the practice, not one vendor's SEO software.
pub const SENSES: &[(&str, &str, Option<&str>)] = &[
    ("be responsible", "assume responsibility", None),
    ("programming language", "terminology", None),
    ("programming languages", "terminology", None),
    ("banking", "economics", Some("banking activities")),
    ("finances", "economics", None),
    ("Google", "search engines", None),
    ("UX", "create prototype of user experience solutions", None),
    ("AngularJS", "computer programming", Some("Angular")),
    (
        "SEO",
        "Moz search engine optimization SEO software",
        Some("search engine optimisation"),
    ),
    ("SDL", "Simple DirectMedia Layer SDL", None),
    ("DNA sequencing", "DNA sequencing software", None),
    ("enjoy working", "show commitment", None),
    ("choose", "make decisions", None),
    ("research topic", "study topics", None),
    ("teaching philosophy", "teach philosophy", None),
    ("business initiatives", "entrepreneurship", None),
    (
        "and procedures",
        "compile airport certification manuals",
        None,
    ),
    ("breaking", "decommissioning", None),
    ("highlighting", "hair colouring", None),
    ("debate", "rhetoric", None),
    ("GCC", "computer programming", None),
    ("identify patterns", "process qualitative information", None),
    (
        "data protection regulations",
        "apply information security policies",
        Some("data protection"),
    ),
];

/// Words that, right before a capitalised label (with `of`, `for`, `and`
/// or other capitalised words between), make it part of an organisation's
/// name: *Department of Chemistry*, *Institute for Protein Research*.
const ORG_BEFORE: &[&str] = &[
    "department",
    "departments",
    "dept",
    "institute",
    "faculty",
    "school",
    "centre",
    "center",
    "division",
    "ministry",
    "foundation",
    "laboratory",
    "college",
];

/// Words that, right after a capitalised label, make it part of a name:
/// *Project Management Department*, *Danish Universities*, *Protein
/// Research*.
const ORG_AFTER: &[&str] = &[
    "department",
    "unit",
    "division",
    "research",
    "institute",
    "faculty",
    "centre",
    "center",
    "university",
    "universities",
    "region",
    "ministry",
    "society",
    "association",
    "council",
    "foundation",
];

/// How strictly a label must appear in the text to count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gate {
    /// Any casing.
    Open,
    /// The matched text must equal one of these forms exactly.
    Case(Vec<String>),
    /// As `Case`, and a cue word or an ungated mention must be within 3 words.
    CaseAndCue(Vec<String>),
    /// As `Case`, and at the start of a sentence a cue is needed too.
    CaseCueAtSentenceStart(Vec<String>),
}

/// One label of the extractor.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// The label as written in ESCO (or its variant without qualifier).
    pub label: String,
    pub skill: SkillIdx,
    pub gate: Gate,
    /// Index into the compiled [`CONTEXT_RULES`], or `u32::MAX`.
    rule: u32,
}

/// A [`ContextRule`] with its words as vocabulary ids.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Rule {
    not_after: FxHashSet<u32>,
    not_before: FxHashSet<u32>,
    not_near: FxHashSet<u32>,
    needs_near: FxHashSet<u32>,
    near: usize,
}

/// A skill found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mention {
    /// Byte span in the input text.
    pub start: usize,
    pub end: usize,
    pub skill: SkillIdx,
    /// Index of the matched label in [`Extractor::entries`].
    pub entry: u32,
}

/// Reusable buffers for [`Extractor::find_with`].
#[derive(Debug, Default)]
pub struct Scratch {
    toks: Vec<(u32, u32, u32)>,
    fold: FoldScratch,
    /// Gated mentions waiting for a cue: (mention, first token, last token).
    pending: Vec<(Mention, usize, usize)>,
    confirmed: Vec<(usize, usize)>,
}

/// The compiled matcher. Immutable and `Sync`: share it across threads.
#[derive(Debug, Serialize, Deserialize)]
pub struct Extractor {
    vocab: FxHashMap<Box<str>, u32>,
    /// `vocab` again, as the flat table text is looked up in (built on
    /// load, not stored).
    #[serde(skip)]
    words: WordTable,
    root: Vec<u32>,
    trans: FxHashMap<u64, u32>,
    terminal: Vec<u32>,
    entries: Vec<Entry>,
    cues: FxHashSet<u32>,
    rules: Vec<Rule>,
    skill_types: Vec<SkillType>,
    /// Each skill's URI and preferred label, by [`SkillIdx`], so a caller
    /// that only reports mentions needs no decoded [`Taxonomy`].
    skill_names: Vec<(Box<str>, Box<str>)>,
    /// [`ORG_BEFORE`], [`ORG_AFTER`] and the words that may link a name's
    /// parts (`of`, `for`, `and`), as vocabulary ids.
    org_before: FxHashSet<u32>,
    org_after: FxHashSet<u32>,
    org_link: FxHashSet<u32>,
}

/// The vocabulary as an open-addressing table of its words' bytes: a
/// word's first and last 8 bytes are two `u64`s compared at once (the
/// bytes between, for words over 16 bytes, in `middle`), and the
/// multiplicative hash reads them so, so a word not in the vocabulary is
/// turned away in a few instructions.
#[derive(Debug, Default)]
struct WordTable {
    /// Power of two, at most half full; `len == 0` marks an empty slot.
    slots: Vec<WordSlot>,
    shift: u32,
    /// Bytes 8..len-8 of the words over 16 bytes.
    middle: Vec<u8>,
    /// The id of the empty word, if it is one.
    empty: u32,
}

#[derive(Debug, Default, Clone, Copy)]
struct WordSlot {
    /// [`word_head`] of the word.
    head: u64,
    /// Its last 8 bytes, for words over 8 bytes.
    last: u64,
    len: u32,
    id: u32,
    /// Where the word's bytes 8..len-8 start in `WordTable::middle`.
    middle: u32,
}

/// The last 8 bytes of `w` (over 8 bytes long) as a little-endian `u64`.
#[inline(always)]
fn last8(w: &[u8]) -> u64 {
    let mut a = [0u8; 8];
    a.copy_from_slice(&w[w.len() - 8..]);
    u64::from_le_bytes(a)
}

impl WordTable {
    fn new(vocab: &FxHashMap<Box<str>, u32>) -> WordTable {
        let size = (vocab.len() * 2).next_power_of_two().max(16);
        let mut t = WordTable {
            slots: vec![WordSlot::default(); size],
            shift: 64 - size.trailing_zeros(),
            middle: Vec::new(),
            empty: NONE,
        };
        // In id order, so the table is the same whatever the map's order.
        let mut words: Vec<(&str, u32)> = vocab.iter().map(|(w, &id)| (&**w, id)).collect();
        words.sort_unstable_by_key(|w| w.1);
        for (w, id) in words {
            let w = w.as_bytes();
            if w.is_empty() {
                t.empty = id;
                continue;
            }
            let head = word_head(w);
            let mut i = t.slot(w, head);
            while t.slots[i].len != 0 {
                i = (i + 1) & (size - 1);
            }
            t.slots[i] = WordSlot {
                head,
                last: if w.len() > 8 { last8(w) } else { 0 },
                len: w.len() as u32,
                id,
                middle: t.middle.len() as u32,
            };
            if w.len() > 16 {
                t.middle.extend_from_slice(&w[8..w.len() - 8]);
            }
        }
        t
    }

    /// The slot of word `w` whose [`word_head`] is `head`.
    #[inline(always)]
    fn slot(&self, w: &[u8], head: u64) -> usize {
        const K: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut h = head ^ (w.len() as u64).rotate_right(8);
        if w.len() > 8 {
            h = h.wrapping_mul(K).rotate_left(29) ^ last8(w);
        }
        (h.wrapping_mul(K) >> self.shift) as usize
    }

    /// The id of `w` (whose [`word_head`] is `head`), or [`NONE`].
    #[inline(always)]
    fn get(&self, w: &[u8], head: u64) -> u32 {
        if w.is_empty() {
            return self.empty;
        }
        if self.slots.is_empty() {
            return NONE;
        }
        let mut i = self.slot(w, head);
        let last = if w.len() > 8 { last8(w) } else { 0 };
        let mask = self.slots.len() - 1;
        loop {
            let s = &self.slots[i];
            if s.len == 0 {
                return NONE;
            }
            if s.head == head
                && s.last == last
                && s.len as usize == w.len()
                && (w.len() <= 16
                    || self
                        .middle
                        .get(s.middle as usize..s.middle as usize + w.len() - 16)
                        == Some(&w[8..w.len() - 8]))
            {
                return s.id;
            }
            i = (i + 1) & mask;
        }
    }
}

/// The prebuilt extractor of the embedded taxonomy (written by
/// `cargo run --release -p mm-taxonomy --example compile_extractor`),
/// decompressed by `build.rs`: its raw form, [`MAGIC`] first.
static EMBEDDED_RAW: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/extractor.bin"));

/// Magic prefix of the prebuilt form, bumped when its layout changes.
const MAGIC: &[u8; 8] = b"MMEXT003";

struct Candidate {
    label: String,
    skill: SkillIdx,
    preferred: bool,
    weight: usize,
    /// A technology concept no occupation flags as Hot and no developer list
    /// names: as an everyday word it always needs a cue.
    obscure_tech: bool,
}

impl Extractor {
    /// Build over every preferred and alternative label of `tax`.
    pub fn new(tax: &Taxonomy) -> Extractor {
        use rayon::prelude::*;
        let mut b = Builder::default();
        let common: FxHashSet<&str> = tax.common_words.iter().map(String::as_str).collect();
        b.generic = tax.generic_words.iter().cloned().collect();
        // Tokenise labels on all cores (order preserved), then insert in order.
        let variants: Vec<(Vec<String>, Candidate)> = tax
            .skills
            .par_iter()
            .enumerate()
            .flat_map_iter(|(i, s)| {
                let weight = s.occupations.len();
                let obscure = s.skill_type == SkillType::Technology
                    && !s.technologies.iter().any(|&t| {
                        let t = &tax.technologies[t as usize];
                        t.hot_in > 0 || t.used_in == 0
                    });
                let mut out = Vec::new();
                let labels = std::iter::once(&s.preferred)
                    .chain(&s.alt)
                    .chain(&s.aliases);
                for (k, l) in labels.enumerate() {
                    let who = (i as SkillIdx, k == 0, weight, obscure);
                    variants(l, who, &mut out);
                    let short = crate::import::strip_qualifier(l);
                    if short != l.trim() {
                        variants(short, who, &mut out);
                    }
                }
                out
            })
            .collect();
        for (toks, c) in variants {
            b.labels.entry(toks).or_default().push(c);
        }
        apply_senses(tax, &mut b.labels);
        b.finish(
            &common,
            tax.skills.iter().map(|s| s.skill_type).collect(),
            tax.skills
                .iter()
                .map(|s| (s.uri.as_str().into(), s.preferred.as_str().into()))
                .collect(),
        )
    }

    /// The extractor of the taxonomy compiled into the binary
    /// ([`Taxonomy::load_embedded`]), decoded from its prebuilt form
    /// (`data/taxonomy/extractor.bin.zst`) instead of built: the same
    /// matcher as `Extractor::new(&Taxonomy::load_embedded()?)` (a test checks
    /// that the shipped file is current), in a fraction of the time.
    ///
    /// # Errors
    /// [`crate::Error::Internal`] or [`crate::Error::Decode`] if the embedded bytes are
    /// corrupt (a build problem).
    pub fn load_embedded() -> crate::Result<Extractor> {
        Extractor::from_raw(EMBEDDED_RAW)
    }

    /// Decode the output of [`Extractor::to_compiled`].
    ///
    /// # Errors
    /// As [`Extractor::load_embedded`].
    pub fn from_compiled(bytes: &[u8]) -> crate::Result<Extractor> {
        let raw = zstd::bulk::decompress(bytes, 256 << 20)
            .map_err(|e| crate::Error::Internal(format!("decompressing the extractor: {e}")))?;
        Extractor::from_raw(&raw)
    }

    /// Decode the decompressed form of [`Extractor::to_compiled`].
    fn from_raw(raw: &[u8]) -> crate::Result<Extractor> {
        let body = raw.strip_prefix(MAGIC.as_slice()).ok_or_else(|| {
            crate::Error::Internal("compiled extractor has a wrong header".into())
        })?;
        let mut ex: Extractor = postcard::from_bytes(body).map_err(crate::Error::Decode)?;
        ex.words = WordTable::new(&ex.vocab);
        Ok(ex)
    }

    /// Encode to the compact prebuilt form (postcard + zstd) that
    /// [`Extractor::from_compiled`] reads. Deterministic: the same taxonomy
    /// and code give the same bytes.
    ///
    /// # Errors
    /// [`crate::Error::Internal`] if encoding fails.
    pub fn to_compiled(&self) -> crate::Result<Vec<u8>> {
        let mut raw = MAGIC.to_vec();
        raw.extend(postcard::to_stdvec(self).map_err(crate::Error::Decode)?);
        zstd::bulk::compress(&raw, 19)
            .map_err(|e| crate::Error::Internal(format!("compressing the extractor: {e}")))
    }

    /// The labels, by [`Mention::entry`].
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The label a mention matched.
    pub fn label(&self, m: &Mention) -> &str {
        &self.entries[m.entry as usize].label
    }

    /// The ESCO skill type of a mention's skill.
    pub fn skill_type(&self, m: &Mention) -> SkillType {
        self.skill_type_of(m.skill)
    }

    /// The number of skills (one more than the largest [`Mention::skill`]).
    pub fn skill_count(&self) -> usize {
        self.skill_types.len()
    }

    /// A skill's URI, as [`Taxonomy::skill`] gives it.
    pub fn skill_uri(&self, skill: SkillIdx) -> &str {
        &self.skill_names[skill as usize].0
    }

    /// A skill's preferred label, as [`Taxonomy::skill`] gives it.
    pub fn skill_label(&self, skill: SkillIdx) -> &str {
        &self.skill_names[skill as usize].1
    }

    /// A skill's ESCO skill type, as [`Taxonomy::skill`] gives it.
    pub fn skill_type_of(&self, skill: SkillIdx) -> SkillType {
        self.skill_types[skill as usize]
    }

    /// Number of distinct normalised labels in the trie.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if no label was added.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// All mentions in `text`, leftmost-longest, in text order.
    pub fn find(&self, text: &str) -> Vec<Mention> {
        let mut s = Scratch::default();
        self.find_with(text, &mut s)
    }

    /// As [`Extractor::find`], reusing buffers across calls.
    pub fn find_with(&self, text: &str, scratch: &mut Scratch) -> Vec<Mention> {
        let mut out = Vec::new();
        self.find_into(text, scratch, &mut out);
        out
    }

    /// As [`Extractor::find_with`], into `out` (cleared first), so a caller
    /// that handles one text at a time allocates nothing per text.
    pub fn find_into(&self, text: &str, scratch: &mut Scratch, out: &mut Vec<Mention>) {
        let Scratch {
            toks,
            fold,
            pending,
            confirmed,
        } = scratch;
        out.clear();
        pending.clear();
        toks.clear();
        for_each_folded(text, fold, |s, e, key, head| {
            toks.push((self.words.get(key, head), s as u32, e as u32));
        });
        let n = toks.len();
        let mut i = 0;
        while i < n {
            let id = toks[i].0;
            if id == NONE {
                i += 1;
                continue;
            }
            let mut node = self.root[id as usize];
            if node == NONE {
                i += 1;
                continue;
            }
            let mut best = (self.terminal[node as usize], i);
            let mut j = i + 1;
            while j < n && toks[j].0 != NONE && !breaks(text, toks[j - 1].2, toks[j].1) {
                match self
                    .trans
                    .get(&((u64::from(node) << 32) | u64::from(toks[j].0)))
                {
                    Some(&c) => {
                        node = c;
                        if self.terminal[node as usize] != NONE {
                            best = (self.terminal[node as usize], j);
                        }
                        j += 1;
                    }
                    None => break,
                }
            }
            let (entry, last) = best;
            if entry == NONE {
                i += 1;
                continue;
            }
            let e = &self.entries[entry as usize];
            let (start, end) = (toks[i].1 as usize, toks[last].2 as usize);
            let m = Mention {
                start,
                end,
                skill: e.skill,
                entry,
            };
            let raw = &text[start..end];
            if e.rule != NONE && !self.rule_allows(e.rule, toks, i, last) {
                // An everyday use of the word: let a later, shorter start try.
                i += 1;
                continue;
            }
            if raw.as_bytes()[0].is_ascii_uppercase()
                && raw.chars().any(char::is_lowercase)
                && self.skill_types[e.skill as usize] != SkillType::Technology
                && self.in_org_name(text, toks, i, last)
            {
                // `Department of Chemistry`: a name, not a skill.
                i += 1;
                continue;
            }
            let cased = |forms: &[String]| forms.iter().any(|f| f == raw);
            match &e.gate {
                Gate::Open => out.push(m),
                Gate::Case(f) => {
                    if cased(f) {
                        out.push(m);
                    } else {
                        // Not this label: let a later, shorter start try.
                        i += 1;
                        continue;
                    }
                }
                Gate::CaseAndCue(f) => {
                    if !cased(f) {
                        i += 1;
                        continue;
                    }
                    pending.push((m, i, last));
                }
                Gate::CaseCueAtSentenceStart(f) => {
                    if !cased(f) {
                        i += 1;
                        continue;
                    }
                    if sentence_start(text, start) {
                        pending.push((m, i, last));
                    } else {
                        out.push(m);
                    }
                }
            }
            i = last + 1;
        }
        if !pending.is_empty() {
            confirmed.clear();
            confirmed.extend(out.iter().map(|m| (m.start, m.end)));
            for &(m, first, last) in pending.iter() {
                let lo = first.saturating_sub(3);
                let hi = (last + 3).min(n - 1);
                let cue = (lo..=hi).any(|k| k != first && self.cues.contains(&toks[k].0));
                let near = confirmed.iter().any(|&(s, e)| {
                    let (s, e) = (s as u32, e as u32);
                    toks[lo..=hi].iter().any(|t| t.1 >= s && t.2 <= e)
                });
                if cue || near {
                    out.push(m);
                }
            }
            out.sort_by_key(|m| m.start);
        }
    }
}

impl Extractor {
    /// Are tokens `first..=last` (a capitalised label) part of an
    /// organisation's name: right after an [`ORG_BEFORE`] word (with `of`,
    /// `for`, `and` or capitalised words between), or right before an
    /// [`ORG_AFTER`] word?
    fn in_org_name(&self, text: &str, toks: &[(u32, u32, u32)], first: usize, last: usize) -> bool {
        if toks
            .get(last + 1)
            .is_some_and(|t| self.org_after.contains(&t.0))
        {
            return true;
        }
        for k in (first.saturating_sub(5)..first).rev() {
            let (id, s, _) = toks[k];
            if self.org_before.contains(&id) {
                return true;
            }
            let capital = text.as_bytes()[s as usize].is_ascii_uppercase();
            if !capital && !self.org_link.contains(&id) {
                return false;
            }
        }
        false
    }

    /// Does the context of tokens `first..=last` let rule `r` pass?
    fn rule_allows(&self, r: u32, toks: &[(u32, u32, u32)], first: usize, last: usize) -> bool {
        let rule = &self.rules[r as usize];
        let n = toks.len();
        if first > 0 && rule.not_after.contains(&toks[first - 1].0) {
            return false;
        }
        if last + 1 < n && rule.not_before.contains(&toks[last + 1].0) {
            return false;
        }
        let around = |w: usize| {
            let lo = first.saturating_sub(w);
            let hi = (last + w).min(n - 1);
            (lo..=hi).filter(move |&k| k < first || k > last)
        };
        if !rule.not_near.is_empty() && around(6).any(|k| rule.not_near.contains(&toks[k].0)) {
            return false;
        }
        rule.needs_near.is_empty()
            || around(rule.near).any(|k| rule.needs_near.contains(&toks[k].0))
    }
}

/// Does the text between two words end a sentence, a line or a list item
/// (`people⏎Work`, `processes; data`)? A label never spans one.
fn breaks(text: &str, gap_start: u32, gap_end: u32) -> bool {
    text.as_bytes()[gap_start as usize..gap_end as usize]
        .iter()
        .any(|b| matches!(b, b'\n' | b'\r' | b';' | b'.' | b'!' | b'?' | b'|'))
}

/// Is `start` the first word of a sentence (text start, a line start, or
/// after `.`, `!`, `?`, `:` or a bullet)?
fn sentence_start(text: &str, start: usize) -> bool {
    for c in text[..start].chars().rev() {
        match c {
            ' ' | '\t' | '"' | '(' | '\u{a0}' => continue,
            '\n' | '\r' | '.' | '!' | '?' | ':' | ';' | '•' | '*' | '-' | '·' => return true,
            _ => return false,
        }
    }
    true
}

#[derive(Default)]
struct Builder {
    /// normalised label → candidates (original form, skill)
    labels: FxHashMap<Vec<String>, Vec<Candidate>>,
    /// Everyday words not matched as alternative labels.
    generic: FxHashSet<String>,
}

/// Take the wrong senses of [`SENSES`] out of the candidates of their
/// labels, and give a label its right sense where the table names one.
fn apply_senses(tax: &Taxonomy, labels: &mut FxHashMap<Vec<String>, Vec<Candidate>>) {
    let by_preferred = |p: &str| {
        tax.skills
            .iter()
            .position(|s| s.preferred == p)
            .map(|i| i as SkillIdx)
    };
    for &(label, wrong, right) in SENSES {
        let toks = crate::normalize::tokens(label);
        if let (Some(w), Some(cands)) = (by_preferred(wrong), labels.get_mut(&toks)) {
            cands.retain(|c| c.skill != w);
        }
        if let Some(r) = right.and_then(by_preferred) {
            let c = labels.entry(toks.clone()).or_default();
            c.retain(|c| c.skill != r);
            c.push(Candidate {
                label: label.to_string(),
                skill: r,
                // The sense the label stands for, before any other.
                preferred: true,
                weight: tax.skill(r).occupations.len(),
                obscure_tech: false,
            });
        }
        if labels.get(&toks).is_some_and(Vec::is_empty) {
            labels.remove(&toks);
        }
    }
}

/// The token sequences a label is matched by: its own, and for hyphenated
/// words also the joined form (`e-mail` → `email`).
fn variants(
    label: &str,
    (skill, preferred, weight, obscure_tech): (SkillIdx, bool, usize, bool),
    out: &mut Vec<(Vec<String>, Candidate)>,
) {
    let toks = crate::normalize::tokens(label);
    if toks.is_empty() {
        return;
    }
    let cand = || Candidate {
        label: label.trim().to_string(),
        skill,
        preferred,
        weight,
        obscure_tech,
    };
    if label.contains('-') {
        let joined: Vec<String> = label
            .split_whitespace()
            .flat_map(|w| crate::normalize::tokens(&w.replace('-', "")))
            .collect();
        if !joined.is_empty() && joined != toks {
            out.push((joined, cand()));
        }
    }
    out.push((toks, cand()));
}

impl Builder {
    fn finish(
        mut self,
        common: &FxHashSet<&str>,
        skill_types: Vec<SkillType>,
        skill_names: Vec<(Box<str>, Box<str>)>,
    ) -> Extractor {
        // An everyday word only counts where it is a skill's preferred label.
        let generic = std::mem::take(&mut self.generic);
        self.labels.retain(|toks, cands| {
            toks.len() != 1 || !generic.contains(&toks[0]) || cands.iter().any(|c| c.preferred)
        });
        for (toks, cands) in self.labels.iter_mut() {
            if toks.len() == 1 && generic.contains(&toks[0]) {
                cands.retain(|c| c.preferred);
            }
        }
        let mut vocab: FxHashMap<Box<str>, u32> = FxHashMap::default();
        let intern = |w: &str, vocab: &mut FxHashMap<Box<str>, u32>| -> u32 {
            if let Some(&id) = vocab.get(w) {
                return id;
            }
            let id = vocab.len() as u32;
            vocab.insert(w.into(), id);
            id
        };
        let mut root: Vec<u32> = Vec::new();
        let mut trans: FxHashMap<u64, u32> = FxHashMap::default();
        let mut terminal: Vec<u32> = vec![NONE]; // node 0 unused (root handled by `root`)
        let mut entries = Vec::with_capacity(self.labels.len());
        // Rule labels tokenised and folded like text (`economics` → `economic`).
        let rule_keys: FxHashMap<Vec<String>, u32> = CONTEXT_RULES
            .iter()
            .enumerate()
            .flat_map(|(i, r)| {
                r.labels
                    .iter()
                    .map(move |l| (crate::normalize::tokens(l), i as u32))
            })
            .collect();
        // FxHash is unseeded, so this order (and the entry ids) is the same on every run.
        for (toks, mut cands) in self.labels {
            // The skill this label stands for: the one it is the preferred label
            // of, else the one most occupations need.
            cands.sort_by(|a, b| b.preferred.cmp(&a.preferred).then(b.weight.cmp(&a.weight)));
            let gate = gate_for(&toks, &cands, common, &generic);
            let best = &cands[0];
            let ids: Vec<u32> = toks.iter().map(|t| intern(t, &mut vocab)).collect();
            if root.len() < vocab.len() {
                root.resize(vocab.len(), NONE);
            }
            let mut node = root[ids[0] as usize];
            if node == NONE {
                node = terminal.len() as u32;
                terminal.push(NONE);
                root[ids[0] as usize] = node;
            }
            for &id in &ids[1..] {
                let key = (u64::from(node) << 32) | u64::from(id);
                node = match trans.get(&key) {
                    Some(&c) => c,
                    None => {
                        let c = terminal.len() as u32;
                        terminal.push(NONE);
                        trans.insert(key, c);
                        c
                    }
                };
            }
            terminal[node as usize] = entries.len() as u32;
            let rule = rule_keys.get(&toks).copied().unwrap_or(NONE);
            entries.push(Entry {
                label: best.label.clone(),
                skill: best.skill,
                gate,
                rule,
            });
        }
        let mut rules = Vec::with_capacity(CONTEXT_RULES.len());
        for spec in CONTEXT_RULES {
            let mut ids = |words: &[&str]| -> FxHashSet<u32> {
                let mut b = String::new();
                words
                    .iter()
                    .map(|w| {
                        fold_token(w, &mut b);
                        intern(&b, &mut vocab)
                    })
                    .collect()
            };
            rules.push(Rule {
                not_after: ids(spec.not_after),
                not_before: ids(spec.not_before),
                not_near: ids(spec.not_near),
                needs_near: ids(spec.needs_near),
                near: spec.near,
            });
        }
        let mut ids = |words: &[&str]| -> FxHashSet<u32> {
            let mut b = String::new();
            words
                .iter()
                .map(|w| {
                    fold_token(w, &mut b);
                    intern(&b, &mut vocab)
                })
                .collect()
        };
        let cues = ids(CUES);
        let org_before = ids(ORG_BEFORE);
        let org_after = ids(ORG_AFTER);
        let org_link = ids(&["of", "for", "and"]);
        root.resize(vocab.len(), NONE);
        Extractor {
            words: WordTable::new(&vocab),
            vocab,
            root,
            trans,
            terminal,
            entries,
            cues,
            rules,
            skill_types,
            skill_names,
            org_before,
            org_after,
            org_link,
        }
    }
}

/// Decide how a label must appear (see the module docs).
fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn gate_for(
    toks: &[String],
    cands: &[Candidate],
    common: &FxHashSet<&str>,
    generic: &FxHashSet<String>,
) -> Gate {
    if toks.len() != 1 {
        // An obscure product whose name is a phrase (`After the Deadline`):
        // only as its owner writes it.
        if cands.iter().all(|c| c.obscure_tech) && cands[0].label.chars().any(char::is_uppercase) {
            let l = cands[0].label.clone();
            let u = l.to_uppercase();
            return Gate::Case(if u == l { vec![l] } else { vec![l, u] });
        }
        return Gate::Open;
    }
    let key = &toks[0];
    let forms: Vec<&str> = cands
        .iter()
        .map(|c| crate::import::strip_qualifier(&c.label))
        .collect();
    let upper_forms: Vec<String> = {
        let mut v: Vec<String> = forms
            .iter()
            .filter(|f| f.chars().any(char::is_uppercase))
            .map(|f| f.to_string())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    // An acronym's plural (`LEDs`) is still an acronym: folded it is a word
    // (`led`), so it must be written in capitals, singular or plural.
    fn plural_acronym(f: &str) -> Option<&str> {
        f.strip_suffix('s')
            .filter(|r| r.chars().count() >= 2 && !r.chars().any(char::is_lowercase))
    }
    let all_caps = |f: &str| {
        let f = plural_acronym(f).unwrap_or(f);
        f.chars().any(char::is_alphabetic) && !f.chars().any(char::is_lowercase)
    };
    let upper_forms: Vec<String> = {
        let mut v = upper_forms;
        for f in v.clone() {
            if let Some(r) = plural_acronym(&f) {
                v.push(r.to_string());
                v.push(f.to_uppercase());
            }
        }
        v.sort();
        v.dedup();
        v
    };
    let nchars = key.chars().count();
    if generic.contains(key) {
        // An everyday word kept only as a preferred label: as written, unless
        // the label is the plain folded word itself.
        if forms.iter().any(|f| f.to_lowercase() == *key) {
            return Gate::Open;
        }
        let mut v: Vec<String> = forms.iter().map(|f| f.to_string()).collect();
        v.extend(forms.iter().map(|f| capitalise(f)));
        v.sort();
        v.dedup();
        return Gate::Case(v);
    }
    let with_caps = |mut v: Vec<String>| {
        for f in v.clone() {
            let u = f.to_uppercase();
            if !v.contains(&u) {
                v.push(u);
            }
        }
        v
    };
    if nchars == 1 {
        let f = if upper_forms.is_empty() {
            vec![key.to_uppercase()]
        } else {
            upper_forms
        };
        return Gate::CaseAndCue(f);
    }
    if nchars == 2 {
        if upper_forms.is_empty() {
            return Gate::Case(vec![key.to_uppercase()]);
        }
        if upper_forms.iter().all(|f| all_caps(f)) {
            return Gate::Case(upper_forms);
        }
        return Gate::CaseAndCue(with_caps(upper_forms));
    }
    if nchars == 3 && !upper_forms.is_empty() && upper_forms.iter().all(|f| all_caps(f)) {
        return Gate::Case(upper_forms);
    }
    // An acronym of any length that is only ever written in capitals
    // (`SMARTS`, `PLUS`): in capitals only, so `smart` and `plus` stay words.
    if !upper_forms.is_empty() && forms.iter().all(|f| all_caps(f)) {
        return Gate::Case(upper_forms);
    }
    if common.contains(key.as_str()) && !upper_forms.is_empty() {
        if NEED_CUE.contains(&key.as_str()) || cands[0].obscure_tech {
            return Gate::CaseAndCue(with_caps(upper_forms));
        }
        return Gate::CaseCueAtSentenceStart(with_caps(upper_forms));
    }
    Gate::Open
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::OnceLock;

    fn setup() -> &'static (Taxonomy, Extractor) {
        static T: OnceLock<(Taxonomy, Extractor)> = OnceLock::new();
        T.get_or_init(|| {
            let tax = Taxonomy::load_embedded().expect("embedded taxonomy");
            let ex = Extractor::new(&tax);
            (tax, ex)
        })
    }

    /// The matched texts and their skills' preferred labels.
    fn found(text: &str) -> Vec<(String, String)> {
        let (tax, ex) = setup();
        ex.find(text)
            .iter()
            .map(|m| {
                (
                    text[m.start..m.end].to_string(),
                    tax.skill(m.skill).preferred.clone(),
                )
            })
            .collect()
    }

    fn texts(text: &str) -> Vec<String> {
        found(text).into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn table() {
        // (name, input, matched texts)
        let cases: &[(&str, &str, &[&str])] = &[
            ("plain", "We need SQL skills", &["SQL"]),
            (
                "leftmost-longest",
                "strong project management skills",
                &["project management"],
            ),
            (
                "plural and case",
                "Manage Projects daily",
                &["Manage Projects"],
            ),
            (
                "hyphen variants",
                "pay per click and pay-per-click",
                &["pay per click", "pay-per-click"],
            ),
            ("punctuation at edges", "Python, Java.", &["Python", "Java"]),
            (
                "qualifier dropped",
                "Ruby on Rails and Java developers",
                &["Ruby on Rails", "Java"],
            ),
            (
                "single letter with list neighbour",
                "Experience with C++, R and Python",
                &["C++", "R", "Python"],
            ),
            (
                "single letter with cue",
                "programming in R is a plus",
                &["R"],
            ),
            ("single letter without cue", "Grade R is required", &[]),
            ("single letter lowercase", "python and r", &["python"]),
            ("letter as initial", "Contact J. R. Smith", &[]),
            (
                "common word lowercase",
                "you will have access to the office",
                &[],
            ),
            (
                "common word product",
                "built in Access and SQL",
                &["Access", "SQL"],
            ),
            (
                "common word at sentence start",
                "Access to parking is free.",
                &[],
            ),
            ("swift adjective", "a swift response", &[]),
            (
                "swift language",
                "iOS apps in Swift",
                &["iOS apps", "Swift"],
            ),
            (
                "acronym must be capitals",
                "the gis team uses GIS",
                &["uses GIS"],
            ),
            (
                "whole words only",
                "JavaScript at Javaland",
                &["JavaScript"],
            ),
        ];
        for (name, input, want) in cases {
            assert_eq!(texts(input), *want, "case {name}: {input:?}");
        }
    }

    /// Short and ambiguous technology names and everyday words that are
    /// also labels: (name, input, the label text that must be found, or
    /// `None` for a false use where the word must not be found).
    #[test]
    fn context_gates_true_and_false_uses() {
        let cases: &[(&str, &str, &str, bool)] = &[
            (
                "C in a language list",
                "Experience in C, C++ and Python.",
                "C",
                true,
            ),
            ("C as a grade", "You need grade C in maths.", "C", false),
            ("C-suite", "Report to the C-suite weekly.", "C", false),
            (
                "R with a cue",
                "Statistical programming in R is a plus.",
                "R",
                true,
            ),
            ("R&D", "Join our R&D team in Berlin.", "R", false),
            (
                "Go in a list",
                "Backend services in Java, Go and Python.",
                "Go",
                true,
            ),
            (
                "Go ahead",
                "Want to relocate? Go ahead and apply.",
                "Go",
                false,
            ),
            ("Go as a verb", "We go the extra mile.", "go", false),
            (
                "Access as a product",
                "Reports in Excel and Access databases.",
                "Access",
                true,
            ),
            (
                "access to",
                "Free access to the gym and canteen.",
                "access",
                false,
            ),
            (
                "Access to, capitalised",
                "Tuition Assistance Access to Arts Programs",
                "Access",
                false,
            ),
            (
                "Excel as a product",
                "Advanced Excel skills are required.",
                "Excel",
                true,
            ),
            (
                "excel the verb",
                "You will excel in a fast-paced team.",
                "excel",
                false,
            ),
            (
                "Excel at, sentence start",
                "Excel at customer service.",
                "Excel",
                false,
            ),
            (
                "Spring with Java",
                "Java Spring and Hibernate experience.",
                "Spring",
                true,
            ),
            (
                "Spring the season",
                "Start date: Spring 2024.",
                "Spring",
                false,
            ),
            (
                "Spring semester",
                "Apply before the Spring semester begins.",
                "Spring",
                false,
            ),
            (
                "Swift for iOS",
                "Write clean code in Swift for iOS.",
                "Swift",
                true,
            ),
            (
                "swift adjective",
                "We expect a swift response.",
                "swift",
                false,
            ),
            (
                "SWIFT payments",
                "Process SWIFT payments for the bank.",
                "SWIFT",
                false,
            ),
            (
                "plan as a skill",
                "You plan and lead research projects.",
                "plan",
                true,
            ),
            (
                "pension plan",
                "We offer a pension plan and bonus.",
                "plan",
                false,
            ),
            (
                "401(k) savings plan",
                "401(k) savings plan and company match.",
                "plan",
                false,
            ),
            (
                "open-plan office",
                "Work in an open-plan office.",
                "plan",
                false,
            ),
            (
                "pregnancy in care",
                "Monitor high-risk pregnancy in the clinic.",
                "pregnancy",
                true,
            ),
            (
                "pregnancy in an EEO statement",
                "regardless of race, religion, sex, pregnancy or disability",
                "pregnancy",
                false,
            ),
            (
                "energy sector",
                "Projects for the energy sector.",
                "energy",
                true,
            ),
            (
                "positive energy",
                "Come with loads of positive energy.",
                "energy",
                false,
            ),
            (
                "passion and energy",
                "Your passion, energy and focus.",
                "energy",
                false,
            ),
            (
                "communication skills",
                "Strong communication skills are a must.",
                "communication",
                true,
            ),
            (
                "open communication",
                "We encourage open communication amongst the team.",
                "communication",
                false,
            ),
            (
                "economics degree",
                "A degree in economics or finance.",
                "economics",
                true,
            ),
            (
                "the economics of",
                "You understand the economics of retail.",
                "economics",
                false,
            ),
            (
                "IT as a field",
                "Five years in an international IT role.",
                "IT",
                true,
            ),
            ("IT department", "Work with our IT department.", "IT", false),
            (
                "IT solutions",
                "We deliver IT solutions to banks.",
                "IT",
                false,
            ),
            (
                "language with a cue",
                "You are fluent in Danish and English.",
                "Danish",
                true,
            ),
            (
                "languages in a list",
                "Danish, Swedish and Norwegian will be an advantage.",
                "Swedish",
                true,
            ),
            (
                "working language",
                "Using English as the daily working language.",
                "English",
                true,
            ),
            (
                "language as an adjective",
                "You must have a valid Danish Class B driving licence.",
                "Danish",
                false,
            ),
            (
                "language classes as a benefit",
                "Training and Spanish classes.",
                "Spanish",
                false,
            ),
            (
                "SaaS as a skill",
                "Experience with SaaS billing.",
                "SaaS",
                true,
            ),
            ("SaaS company", "Working in a SaaS company.", "SaaS", false),
            ("RT-PCR", "Quantitative RT-PCR is a plus.", "RT", false),
            (
                "crafting a thing",
                "Crafting a beautiful user experience.",
                "Crafting",
                false,
            ),
            (
                "philosophy as a subject",
                "A PhD in philosophy or law.",
                "philosophy",
                true,
            ),
            (
                "our philosophy",
                "Our philosophy of getting it right first time.",
                "philosophy",
                false,
            ),
            (
                "startup ecosystems",
                "Connecting five startup ecosystems in Europe.",
                "ecosystems",
                false,
            ),
            (
                "personal development as a benefit",
                "We actively support your personal development.",
                "personal development",
                false,
            ),
            (
                "personal development period",
                "After a personal development period you lead the team.",
                "personal development",
                false,
            ),
            (
                "the application process",
                "We have adapted the application process to video interviews.",
                "application process",
                false,
            ),
            (
                "a research plan to apply with",
                "Attach a teaching statement and a research plan.",
                "plan",
                false,
            ),
        ];
        for (name, input, word, want) in cases {
            let got = texts(input);
            let found = got.iter().any(|t| t == word);
            assert_eq!(found, *want, "case {name}: {input:?} found {got:?}");
        }
    }

    #[test]
    fn wrong_senses_are_fixed() {
        // (name, input, matched text, the skill it must stand for or None)
        let cases: &[(&str, &str, &str, Option<&str>)] = &[
            (
                "be responsible for",
                "You will be responsible for the product architecture.",
                "be responsible",
                None,
            ),
            (
                "banking",
                "Experience in investment banking.",
                "banking",
                Some("banking activities"),
            ),
            ("finance", "Corporate finance experience.", "finance", None),
            (
                "Google Cloud",
                "AWS, Google Cloud or Azure.",
                "Google",
                None,
            ),
            ("UI/UX", "Knowledge in UI/UX design.", "UX", None),
            (
                "AngularJS",
                "Meteor, React or AngularJS.",
                "AngularJS",
                Some("Angular"),
            ),
            (
                "SEO",
                "Accessibility standards and SEO.",
                "SEO",
                Some("search engine optimisation"),
            ),
            (
                "programming languages",
                "Proficiency in several programming languages.",
                "programming languages",
                None,
            ),
            (
                "led, the verb",
                "You have led complex efforts.",
                "led",
                None,
            ),
            (
                "LED, the device",
                "Design of LED drivers.",
                "LED",
                Some("optoelectronic devices"),
            ),
            (
                "LEDs, plural acronym",
                "Mounting LEDs on boards.",
                "LEDs",
                Some("optoelectronic devices"),
            ),
            (
                "a department's name",
                "Contact the Department of Chemistry and Pharmacy.",
                "Chemistry",
                None,
            ),
            (
                "a field, not a name",
                "A degree in chemistry or physics.",
                "chemistry",
                Some("chemistry"),
            ),
            (
                "a research centre's name",
                "The Center for Protein Research in Copenhagen.",
                "Protein",
                None,
            ),
            (
                "a department named after a skill",
                "Project Management Department of the division.",
                "Project Management",
                None,
            ),
            (
                "the same skill in a sentence",
                "Solid project management skills.",
                "project management",
                Some("project management"),
            ),
            (
                "Danish Universities",
                "Academic Staff at Danish Universities.",
                "Danish",
                None,
            ),
            (
                "a label across a line break",
                "software used by many people\nWork with the latest stack",
                "people\nWork",
                None,
            ),
            (
                "a label across a semicolon",
                "integrations to various systems and processes; data and analytics",
                "processes; data",
                None,
            ),
            (
                "ground breaking",
                "The new ground breaking scanner.",
                "breaking",
                None,
            ),
            (
                "research topic",
                "The main research topic will be topological order.",
                "research topic",
                None,
            ),
            (
                "data protection regulations",
                "Lead our Data Protection Regulation project.",
                "Data Protection Regulation",
                Some("data protection"),
            ),
        ];
        for (name, input, span, want) in cases {
            let got = found(input);
            let hit = got.iter().find(|(t, _)| t == span);
            match want {
                Some(skill) => assert!(
                    hit.is_some_and(|(_, s)| s == skill),
                    "case {name}: {input:?} found {got:?}, want {span:?} → {skill:?}"
                ),
                None => assert!(hit.is_none(), "case {name}: {input:?} found {got:?}"),
            }
        }
        // Every row of the table still names a skill that carries the label,
        // so a taxonomy update that drops it shows here.
        let (tax, _) = setup();
        for (label, wrong, right) in SENSES {
            let owners = tax.skills_by_label(label);
            assert!(
                owners.iter().any(|&i| tax.skill(i).preferred == *wrong),
                "{label:?} is no longer a label of {wrong:?}"
            );
            if let Some(r) = right {
                assert!(
                    tax.skills.iter().any(|s| s.preferred == *r),
                    "{r:?} is not a skill"
                );
            }
        }
    }

    #[test]
    fn technologies_and_their_aliases_are_found() {
        let (tax, _) = setup();
        let cases: &[(&str, &str)] = &[
            ("Deploy on AWS with Docker and Kubernetes.", "Kubernetes"),
            ("Deploy on AWS with Docker and Kubernetes.", "Docker"),
            (
                "Deploy on AWS with Docker and Kubernetes.",
                "Amazon Web Services AWS software",
            ),
            ("We run k8s on Linux.", "Kubernetes"),
            ("We run k8s on Linux.", "Linux"),
            ("Services written in golang.", "Go"),
            ("Frontend in reactjs and nodejs.", "React"),
            ("Frontend in reactjs and nodejs.", "Node.js"),
            ("Build dashboards in Power BI.", "Microsoft Power BI"),
            // O*NET 29.3 names it under its current owner.
            ("Infrastructure as code with Terraform.", "IBM Terraform"),
            ("Warehouse in Snowflake and dbt.", "Snowflake"),
        ];
        for (input, want) in cases {
            let got: Vec<String> = found(input).into_iter().map(|(_, l)| l).collect();
            assert!(got.iter().any(|l| l == want), "{input:?}: {got:?}");
        }
        let k = tax.skills_by_label("k8s")[0];
        assert!(tax.is_technology(k));
        let t = &tax.technologies[tax.skill(k).technologies[0] as usize];
        assert!(t.hot_in > 0 && !t.occupations.is_empty() && !t.commodity_title.is_empty());
    }

    #[test]
    fn spans_and_skills() {
        let text = "Daily use of Microsoft Access.";
        let (tax, ex) = setup();
        let ms = ex.find(text);
        assert_eq!(ms.len(), 1);
        assert_eq!(&text[ms[0].start..ms[0].end], "Microsoft Access");
        assert_eq!(tax.skill(ms[0].skill).preferred, "Microsoft Access");
        assert_eq!(ex.label(&ms[0]), "Microsoft Access");
    }

    /// The prebuilt extractor `mm extract` decodes must be the one the
    /// code builds today, byte for byte.
    #[test]
    fn shipped_extractor_is_current() {
        let (_, fresh) = setup();
        let fresh = postcard::to_stdvec(fresh).expect("encode");
        let shipped = EMBEDDED_RAW;
        assert!(
            shipped.strip_prefix(MAGIC.as_slice()) == Some(fresh.as_slice()),
            "data/taxonomy/extractor.bin.zst is stale (the taxonomy, normaliser or rules changed): \
             run `cargo run --release -p mm-taxonomy --example compile_extractor`"
        );
    }

    /// The shipped extractor, decoded (the fast start-up path of `mm
    /// extract`), finds the same mentions, with the same labels, as the one
    /// built from the taxonomy.
    #[test]
    fn decoded_extractor_finds_the_same_mentions() {
        let (tax, built) = setup();
        let decoded = Extractor::load_embedded().expect("the shipped extractor decodes");
        // `mm extract` reports skills from the extractor alone.
        assert_eq!(decoded.skill_count(), tax.skills.len());
        for (i, s) in tax.skills.iter().enumerate() {
            let k = i as SkillIdx;
            assert_eq!(decoded.skill_uri(k), s.uri);
            assert_eq!(decoded.skill_label(k), s.preferred);
            assert_eq!(decoded.skill_type_of(k), s.skill_type);
        }
        let mut texts: Vec<String> = vec![
            "Experience in C, C++ and Python; Java Spring and Hibernate.".into(),
            "We offer a pension plan. Free access to the gym. Reports in Excel and Access.".into(),
            "Deploy on AWS with Docker and k8s; statistical programming in R.".into(),
        ];
        // The shipped postings, when the shared data is there.
        if let Some(dir) = std::env::var_os("MM_SHARED_DIR") {
            let p = std::path::Path::new(&dir).join("data/postings/postings.jsonl");
            if let Ok(raw) = std::fs::read_to_string(&p) {
                texts.extend(raw.lines().filter_map(|l| {
                    serde_json::from_str::<serde_json::Value>(l).ok()?["text"]
                        .as_str()
                        .map(str::to_string)
                }));
            }
        }
        let mut total = 0;
        for t in &texts {
            let (a, b) = (built.find(t), decoded.find(t));
            assert_eq!(a, b, "{t:?}");
            let la: Vec<&str> = a.iter().map(|m| built.label(m)).collect();
            let lb: Vec<&str> = b.iter().map(|m| decoded.label(m)).collect();
            assert_eq!(la, lb);
            total += a.len();
        }
        assert!(total > 10, "{total} mentions");
    }

    #[test]
    fn gates_are_decided_from_data() {
        let (tax, _) = setup();
        for w in ["access", "swift", "hack"] {
            assert!(
                tax.common_words.iter().any(|c| c == w),
                "{w} should be a common word"
            );
        }
        assert!(!tax.common_words.iter().any(|c| c == "python"));
    }
}
