//! A catalogue micro-skill: a narrow, observable capability a person can
//! master in weeks, hung from the broad concepts of the taxonomy.

use mm_core::Level;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Where a micro-skill comes from. Earlier sources win when two agree.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum Source {
    /// Written and reviewed by hand (`data/micro/*.toml`).
    #[default]
    Curated,
    /// Carved from an O*NET task statement.
    OnetTask,
    /// Mined from job postings (a narrower item listed under a broader one).
    Postings,
    /// Imported from an institution's CASE 1.1 framework.
    Case,
    /// Written by the person (their own micro-skill).
    Personal,
}

impl Source {
    /// The stable name used in files and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Curated => "curated",
            Source::OnetTask => "onet-task",
            Source::Postings => "postings",
            Source::Case => "case",
            Source::Personal => "personal",
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Source {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.trim() {
            "curated" => Source::Curated,
            "onet-task" | "onet" => Source::OnetTask,
            "postings" => Source::Postings,
            "case" => Source::Case,
            "personal" => Source::Personal,
            other => {
                return Err(format!(
                    "unknown source {other:?}: use curated, onet-task, postings, case or personal"
                ));
            }
        })
    }
}

/// A broader concept a micro-skill belongs to.
///
/// Written as a string: an ESCO URI (`http://data.europa.eu/esco/skill/…`),
/// `onet-tech:<technology name>` or `onet-task:<task id>`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ParentRef {
    /// An ESCO skill or knowledge concept, by URI.
    Esco(String),
    /// An O*NET technology example, by its exact name (`Microsoft Excel`).
    OnetTech(String),
    /// An O*NET task statement, by id.
    OnetTask(u32),
}

/// The URI prefix of ESCO concepts.
pub const ESCO_PREFIX: &str = "http://data.europa.eu/esco/";

impl ParentRef {
    /// Parse the string form; `None` when it is none of the three.
    pub fn parse(s: &str) -> Option<ParentRef> {
        let s = s.trim();
        if s.starts_with(ESCO_PREFIX) && !s.contains(char::is_whitespace) {
            Some(ParentRef::Esco(s.to_string()))
        } else if let Some(n) = s.strip_prefix("onet-tech:") {
            (!n.trim().is_empty()).then(|| ParentRef::OnetTech(n.trim().to_string()))
        } else if let Some(n) = s.strip_prefix("onet-task:") {
            n.trim().parse().ok().map(ParentRef::OnetTask)
        } else {
            None
        }
    }

    /// The ESCO URI, when the parent is an ESCO concept.
    pub fn esco_uri(&self) -> Option<&str> {
        match self {
            ParentRef::Esco(u) => Some(u),
            _ => None,
        }
    }
}

impl fmt::Display for ParentRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParentRef::Esco(u) => f.write_str(u),
            ParentRef::OnetTech(n) => write!(f, "onet-tech:{n}"),
            ParentRef::OnetTask(id) => write!(f, "onet-task:{id}"),
        }
    }
}

impl Serialize for ParentRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ParentRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        ParentRef::parse(&s).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "parent {s:?} is not an ESCO URI ({ESCO_PREFIX}…), onet-tech:<name> or onet-task:<id>"
            ))
        })
    }
}

/// An underlying principle: the concept that keeps mastery from being shallow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principle {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A public documentation link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Resource {
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

fn default_level() -> Level {
    Level::Competent
}

fn is_default_level(l: &Level) -> bool {
    *l == Level::Competent
}

/// One micro-skill of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CatalogueMicroSkill {
    /// Stable id: a lower-case slug (`excel-pivot-summary`).
    pub id: String,
    /// What a person can do once they master it, observably.
    pub name: String,
    /// The catalogue area it is filed under (`data`, `health`, …).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub area: String,
    /// The ISCO-08 groups (codes of 1 to 4 digits, each covering the groups
    /// under it) whose occupations the entry is for: a curated file names
    /// its area's groups, an entry may narrow them (a gas boiler is for
    /// plumbers and heating installers, not for every trade). Empty: any.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub isco: Vec<String>,
    /// The ISCO-08 groups for whose new workers this is a first step: where
    /// a coach would start a beginner (safe isolation for an electrician,
    /// knife skills for a cook). `mm discover` puts these first for such a
    /// role, before what the evidence ranks; empty: a step like any other.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub core_for: Vec<String>,
    /// The countries (ISO 3166-1 alpha-2, `GB`) whose law, standards or
    /// institutions the entry is written for (UK right-to-work checks,
    /// BS 7671). Offered elsewhere only when the person's country is not
    /// known, and then marked. Empty: anywhere.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub country: Vec<String>,
    /// The languages or platforms the entry is bound to (`python`, `java`,
    /// `dotnet`): a developer who works in one is not offered another's.
    /// Lower-case slugs. Empty: any stack.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stack: Vec<String>,
    /// The broader concepts it belongs to: ESCO skills, O*NET technologies or tasks.
    #[serde(default)]
    pub parents: Vec<ParentRef>,
    /// 1–4 underlying principles.
    #[serde(default)]
    pub principles: Vec<Principle>,
    /// 2–4 observable done-when criteria.
    #[serde(default)]
    pub done_when: Vec<String>,
    /// Typical hours of deliberate practice to master it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<u32>,
    /// Suggested deadline, in weeks from the start.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weeks: Option<u32>,
    /// The Dreyfus level the done-when criteria show (default 3, competent).
    #[serde(default = "default_level", skip_serializing_if = "is_default_level")]
    pub dreyfus: Level,
    /// Micro-skills to master first (ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prerequisites: Vec<String>,
    /// Micro-skills that build on this one (ids).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub next: Vec<String>,
    /// Public documentation to learn from.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub resources: Vec<Resource>,
    #[serde(default)]
    pub source: Source,
    /// Share of postings that ask for it (mined micro-skills).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<f64>,
    /// Where a generated micro-skill came from, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

impl CatalogueMicroSkill {
    /// The ESCO URIs among the parents.
    pub fn esco_parents(&self) -> impl Iterator<Item = &str> {
        self.parents.iter().filter_map(ParentRef::esco_uri)
    }

    /// Whether the entry is for an occupation of ISCO-08 unit group `group`
    /// (`7411`): one of its groups is `group` or above it; an entry naming
    /// no group fits every occupation, and so does an occupation without a
    /// group.
    pub fn fits_isco(&self, group: &str) -> bool {
        group.is_empty()
            || self.isco.is_empty()
            || self.isco.iter().any(|p| group.starts_with(p.as_str()))
    }

    /// Whether a coach would start a new worker of ISCO-08 unit group
    /// `group` on it ([`Self::core_for`]).
    pub fn is_core_for(&self, group: &str) -> bool {
        !group.is_empty() && self.core_for.iter().any(|p| group.starts_with(p.as_str()))
    }

    /// Whether the entry holds in `country` (ISO alpha-2, any case): it
    /// names no country, or names this one.
    pub fn fits_country(&self, country: &str) -> bool {
        self.country.is_empty()
            || self
                .country
                .iter()
                .any(|c| c.eq_ignore_ascii_case(country.trim()))
    }

    /// Whether the entry fits a person working in `stacks` (none known:
    /// every entry fits).
    pub fn fits_stack(&self, stacks: &[String]) -> bool {
        stacks.is_empty()
            || self.stack.is_empty()
            || self.stack.iter().any(|s| stacks.iter().any(|t| t == s))
    }

    /// The weekly practice budget in minutes that fits the hours in the weeks.
    pub fn weekly_minutes(&self) -> Option<u32> {
        match (self.hours, self.weeks) {
            (Some(h), Some(w)) if w > 0 => Some((h * 60).div_ceil(w)),
            _ => None,
        }
    }
}

/// The folded form of a name used to spot duplicates: lower case, letters and
/// digits only, single spaces.
pub fn fold_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.extend(w.chars().flat_map(char::to_lowercase));
    }
    out
}

/// A stable id from free text: lower-case ASCII letters and digits joined by
/// `-`, at most 60 characters, cut at a word boundary.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    for w in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        if out.len() + w.len() + 1 > 60 && !out.is_empty() {
            break;
        }
        if !out.is_empty() {
            out.push('-');
        }
        out.push_str(&w.to_ascii_lowercase());
    }
    if out.is_empty() {
        out.push_str("micro-skill");
    }
    out
}

/// Is `id` a well-formed slug?
pub fn is_slug(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-')
        && !id.ends_with('-')
        && !id.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_round_trip_through_their_string_form() {
        for s in [
            "http://data.europa.eu/esco/skill/abc",
            "onet-tech:Microsoft Excel",
            "onet-task:8823",
        ] {
            assert_eq!(ParentRef::parse(s).unwrap().to_string(), s);
        }
        assert_eq!(ParentRef::parse("excel"), None);
        assert_eq!(ParentRef::parse("onet-task:x"), None);
        assert_eq!(ParentRef::parse("onet-tech: "), None);
    }

    #[test]
    fn slugs_are_stable_and_short() {
        assert_eq!(slug("Pivot tables in Excel!"), "pivot-tables-in-excel");
        assert!(is_slug(&slug("Écrire   du SQL (avancé) — 2")));
        assert!(slug(&"word ".repeat(40)).len() <= 60);
        assert_eq!(slug("!!!"), "micro-skill");
        assert!(!is_slug("Bad Id"));
        assert!(!is_slug("a--b"));
    }

    #[test]
    fn weekly_budget_spreads_hours_over_weeks() {
        let mut m: CatalogueMicroSkill = toml::from_str(
            r#"id = "x"
name = "Do x""#,
        )
        .unwrap();
        assert_eq!(m.weekly_minutes(), None);
        m.hours = Some(10);
        m.weeks = Some(3);
        assert_eq!(m.weekly_minutes(), Some(200));
        assert_eq!(m.dreyfus, Level::Competent);
    }
}
