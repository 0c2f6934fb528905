//! Near-duplicate postings: the same ad reposted, syndicated by several
//! boards, or one employer's template sent out with another title, city or
//! date. Counting each copy would make one employer's wording look like the
//! market's.
//!
//! Each posting gets a **MinHash** signature (Broder 1997) of its word
//! 3-shingles, computed on the text *after* boilerplate stripping, with
//! digits folded to `0`, `<PLACEHOLDER>` tokens dropped and the title line
//! left out, so a template reposted for another city, salary or title
//! signs the same. Two postings whose estimated Jaccard similarity of
//! shingles is at least [`MIN_JACCARD`] are near-duplicates; the first seen
//! is kept. (SimHash was tried first: on a 60-word ad, changing one word
//! moved its 64-bit fingerprint by 11 bits, so no Hamming threshold tells a
//! copy from another ad at posting length.)
//!
//! [`SimIndex`] finds an earlier posting above the threshold without
//! comparing against all of them: the [`HASHES`] minima are cut into
//! [`BANDS`] bands, and only postings that agree on a whole band are
//! compared (locality-sensitive hashing). With 16 bands of 4, a pair at
//! Jaccard 0.8 shares a band with probability 1 − (1 − 0.8⁴)¹⁶ > 0.999.
//! Memory is about 300 bytes per kept posting.
//!
//! Texts with fewer than [`MIN_WORDS`] words are not signed: too short to
//! tell a copy from two ads that happen to ask for the same thing.

use rustc_hash::FxHashMap;

/// Estimated Jaccard similarity at or above which two postings are copies.
pub const MIN_JACCARD: f64 = 0.75;
/// Words a text needs to be checked for duplicates.
pub const MIN_WORDS: usize = 25;
/// Hash functions in a signature.
pub const HASHES: usize = 64;
/// Bands of the locality-sensitive index (`HASHES / BANDS` minima each).
pub const BANDS: usize = 16;
const ROWS: usize = HASHES / BANDS;

/// A MinHash signature.
pub type Signature = [u32; HASHES];

/// 64-bit FNV-1a, then a splitmix64 finaliser so every bit is well mixed:
/// stable across runs and platforms (unlike `std`'s hasher).
fn hash64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The words a fingerprint is built from: lower case, digits as `0`,
/// placeholders (`<LOCATION>`) and the `title` line left out.
fn words(text: &str, title: Option<&str>) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        if title.is_some_and(|t| line.trim().eq_ignore_ascii_case(t.trim())) {
            continue;
        }
        for w in line.split(|c: char| !(c.is_alphanumeric() || c == '<' || c == '>')) {
            if w.is_empty() || w.starts_with('<') {
                continue;
            }
            let w: String = w
                .chars()
                .flat_map(char::to_lowercase)
                .map(|c| if c.is_ascii_digit() { '0' } else { c })
                .collect();
            out.push(w);
        }
    }
    out
}

/// Odd multipliers and offsets of the hash family (fixed, so signatures
/// are the same on every run and machine).
fn family() -> &'static [(u64, u64); HASHES] {
    static F: std::sync::OnceLock<[(u64, u64); HASHES]> = std::sync::OnceLock::new();
    F.get_or_init(|| {
        let mut f = [(0u64, 0u64); HASHES];
        for (i, x) in f.iter_mut().enumerate() {
            let a = hash64(&(i as u64).to_le_bytes()) | 1;
            let b = hash64(&(i as u64 + 1_000_003).to_le_bytes());
            *x = (a, b);
        }
        f
    })
}

/// The MinHash signature of a posting's text, or `None` when it is too short.
pub fn signature(text: &str, title: Option<&str>) -> Option<Signature> {
    let w = words(text, title);
    if w.len() < MIN_WORDS {
        return None;
    }
    let fam = family();
    let mut sig = [u32::MAX; HASHES];
    let mut buf = String::new();
    for sh in w.windows(3) {
        buf.clear();
        for (i, x) in sh.iter().enumerate() {
            if i > 0 {
                buf.push(' ');
            }
            buf.push_str(x);
        }
        let h = hash64(buf.as_bytes());
        for (m, &(a, b)) in sig.iter_mut().zip(fam) {
            let v = (h.wrapping_mul(a).wrapping_add(b) >> 32) as u32;
            if v < *m {
                *m = v;
            }
        }
    }
    Some(sig)
}

/// The estimated Jaccard similarity of two signatures.
pub fn similarity(a: &Signature, b: &Signature) -> f64 {
    a.iter().zip(b).filter(|(x, y)| x == y).count() as f64 / HASHES as f64
}

fn band_key(sig: &Signature, band: usize) -> u64 {
    let mut bytes = [0u8; ROWS * 4];
    for (i, v) in sig[band * ROWS..(band + 1) * ROWS].iter().enumerate() {
        bytes[i * 4..i * 4 + 4].copy_from_slice(&v.to_le_bytes());
    }
    hash64(&bytes)
}

/// The signatures kept so far, searchable by similarity.
#[derive(Debug, Clone, Default)]
pub struct SimIndex {
    sigs: Vec<Signature>,
    bands: FxHashMap<(u8, u64), Vec<u32>>,
}

impl SimIndex {
    /// The best similarity to a kept signature, when it reaches [`MIN_JACCARD`].
    pub fn near(&self, s: &Signature) -> Option<f64> {
        let mut best: Option<f64> = None;
        for b in 0..BANDS {
            if let Some(ids) = self.bands.get(&(b as u8, band_key(s, b))) {
                for &i in ids {
                    let j = similarity(s, &self.sigs[i as usize]);
                    if j >= MIN_JACCARD && best.is_none_or(|x| j > x) {
                        best = Some(j);
                    }
                }
            }
        }
        best
    }

    /// Keep `s` unless a near copy is kept already; `true` when it is new.
    pub fn insert(&mut self, s: Signature) -> bool {
        if self.near(&s).is_some() {
            return false;
        }
        let i = self.sigs.len() as u32;
        for b in 0..BANDS {
            self.bands
                .entry((b as u8, band_key(&s, b)))
                .or_default()
                .push(i);
        }
        self.sigs.push(s);
        true
    }

    /// Signatures kept.
    pub fn len(&self) -> usize {
        self.sigs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sigs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const AD: &str = "Senior Data Analyst\nYou will build dashboards in Power BI and write SQL queries against our warehouse. \
        You clean and join data from many sources, explain findings to managers and automate weekly reports. \
        We expect three years of experience with Python or R and a degree in statistics or a related field.";

    #[test]
    fn copies_and_templates_are_near_and_other_ads_are_not() {
        let f = signature(AD, Some("Senior Data Analyst")).unwrap();
        // The same template for another title, city and experience.
        let templ = AD
            .replace("Senior Data Analyst", "Junior Data Analyst <LOCATION>")
            .replace("three years", "3 years");
        let g = signature(&templ, Some("Junior Data Analyst <LOCATION>")).unwrap();
        assert!(similarity(&f, &g) >= MIN_JACCARD, "{}", similarity(&f, &g));
        let other = "Registered Nurse\nYou assess patients on a busy surgical ward, administer medication and keep care plans current. \
            You work with doctors and therapists, teach families about recovery and take part in night shifts and audits.";
        let h = signature(other, None).unwrap();
        assert!(similarity(&f, &h) < 0.2, "{}", similarity(&f, &h));
        // Half the ad rewritten: a different posting.
        let half = format!(
            "{}\nYou will care for the lab's instruments, order reagents and train new technicians on the safety rules and the cleaning rota.",
            &AD[..AD.find("You clean").unwrap()]
        );
        let k = signature(&half, None).unwrap();
        assert!(similarity(&f, &k) < MIN_JACCARD, "{}", similarity(&f, &k));
        let mut idx = SimIndex::default();
        assert!(idx.insert(f));
        assert!(!idx.insert(g), "the template copy is a duplicate");
        assert!(idx.insert(h));
        assert!(idx.insert(k));
        assert_eq!(idx.len(), 3);
    }

    #[test]
    fn short_texts_are_not_signed() {
        assert_eq!(signature("We need SQL and Python every day.", None), None);
    }

    #[test]
    fn signatures_are_stable() {
        // The same text signs the same on every run (no random seeds).
        assert_eq!(signature(AD, None), signature(AD, None));
        let s = signature(AD, None).unwrap();
        assert_eq!(similarity(&s, &s), 1.0);
    }
}
