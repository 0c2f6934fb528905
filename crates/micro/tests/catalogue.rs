//! The shipped catalogue meets its quality bar, and the catalogue behaves as
//! `mm micro catalogue`, `mm discover` and `mm next` rely on.

use mm_micro::catalogue::{CURATED_FILES, Catalogue, parse_file};
use mm_micro::lint::lint;
use mm_micro::{Link, Source, micro_skills_for, next_for};
use mm_taxonomy::Taxonomy;
use std::collections::BTreeMap;
use std::sync::OnceLock;

fn tax() -> &'static Taxonomy {
    static T: OnceLock<Taxonomy> = OnceLock::new();
    T.get_or_init(|| Taxonomy::load_embedded().unwrap())
}

const SPREADSHEETS: &str = "http://data.europa.eu/esco/skill/1973c966-f236-40c9-b2d4-5d71a89019be";

#[test]
fn every_catalogue_file_is_shipped() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/micro");
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| {
            let p = e.unwrap().path();
            (p.extension()? == "toml").then(|| p.file_stem()?.to_str().map(str::to_string))?
        })
        .collect();
    on_disk.sort();
    let mut shipped: Vec<String> = CURATED_FILES.iter().map(|f| f.0.to_string()).collect();
    shipped.sort();
    assert_eq!(
        on_disk, shipped,
        "list every data/micro/*.toml in CURATED_FILES"
    );
}

#[test]
fn the_curated_catalogue_passes_the_lint() {
    let cat = Catalogue::curated().expect("the shipped files parse without duplicates");
    let problems = lint(&cat, tax());
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let mut per_area: BTreeMap<&str, usize> = BTreeMap::new();
    for m in cat.entries() {
        assert_eq!(m.source, Source::Curated, "{}", m.id);
        *per_area.entry(m.area.as_str()).or_default() += 1;
    }
    // Every area file holds entries (the sectors the coverage report counts).
    for (area, _) in CURATED_FILES {
        assert!(
            per_area.get(area).copied().unwrap_or(0) >= 5,
            "{area}: {per_area:?}"
        );
    }
    assert!(cat.len() >= 80, "{} entries", cat.len());
}

#[test]
fn the_lint_catches_what_a_coach_would_reject() {
    let bad = r#"
[[micro]]
id = "Bad Id"
name = "Understand pivot tables"
parents = ["http://data.europa.eu/esco/skill/does-not-exist", "onet-tech:No Such Tool"]
principles = []
done_when = ["Know how pivots work"]
hours = 90
weeks = 1
next = ["nowhere"]
resources = [{ url = "http://insecure.org/x" }]
"#;
    let cat = Catalogue::strict(parse_file("test", bad).unwrap()).unwrap();
    let msgs: Vec<String> = lint(&cat, tax()).into_iter().map(|p| p.message).collect();
    let all = msgs.join("\n");
    for expected in [
        "is not a slug",
        "does not start with an observable verb",
        "is not in the embedded taxonomy",
        "0 principles",
        "1 done-when criteria",
        "90 hours",
        "not a well-formed https link",
        "is not in the catalogue",
        "no ISCO-08 group",
    ] {
        assert!(all.contains(expected), "missing {expected:?} in:\n{all}");
    }
}

#[test]
fn an_entry_over_four_weeks_is_not_micro() {
    // The coach's complaint: a 10-hour audit spread over 6 weeks is not a micro-skill.
    let long = format!(
        r#"
isco = ["22"]

[[micro]]
id = "long-audit"
name = "Audit ten records against a standard"
parents = ["{SPREADSHEETS}"]
principles = [{{ name = "audit cycle", description = "Measure, change and measure again to know it improved." }}]
done_when = ["Score ten records against five criteria", "Report the compliance rate per criterion"]
hours = 10
weeks = 6
resources = [{{ url = "https://www.hqip.org.uk/" }}]
"#
    );
    let cat = Catalogue::strict(parse_file("test", &long).unwrap()).unwrap();
    let msgs: Vec<String> = lint(&cat, tax()).into_iter().map(|p| p.message).collect();
    assert_eq!(
        msgs,
        vec!["6 weeks: a micro-skill is mastered in 1 to 4 weeks".to_string()]
    );
    let four = long.replace("weeks = 6", "weeks = 4");
    let cat = Catalogue::strict(parse_file("test", &four).unwrap()).unwrap();
    assert!(lint(&cat, tax()).is_empty());
}

#[test]
fn duplicates_across_files_are_refused() {
    let a = "[[micro]]\nid = \"x\"\nname = \"Build a thing\"\n";
    let b = "[[micro]]\nid = \"y\"\nname = \"build  a THING\"\n";
    let mut all = parse_file("a", a).unwrap();
    all.extend(parse_file("b", b).unwrap());
    let err = Catalogue::strict(all).unwrap_err().to_string();
    assert!(
        err.contains("\"y\" repeats the id or name of \"x\""),
        "{err}"
    );
}

#[test]
fn bad_toml_names_the_file() {
    let err = parse_file("data", "[[micro]]\nid = 3\n")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("data/micro/data.toml"), "{err}");
}

#[test]
fn micro_skills_hang_from_their_parents() {
    let ids: Vec<&str> = micro_skills_for(SPREADSHEETS)
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert!(ids.contains(&"excel-pivot-summary"), "{ids:?}");
    let by_tech: Vec<&str> = micro_skills_for("onet-tech:Microsoft Excel")
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert!(by_tech.contains(&"excel-xlookup-join"), "{by_tech:?}");
    assert!(micro_skills_for("http://data.europa.eu/esco/skill/nothing").is_empty());
}

#[test]
fn next_follows_links_then_prerequisites_then_siblings() {
    let next = next_for("excel-pivot-summary");
    assert_eq!(next[0].0.id, "excel-xlookup-join");
    assert_eq!(next[0].1, Link::Next);
    // abc-inventory-analysis lists the pivot table as its prerequisite.
    let unlocks = next
        .iter()
        .find(|(m, _)| m.id == "abc-inventory-analysis")
        .unwrap();
    assert_eq!(unlocks.1, Link::Unlocks);
    assert!(next.iter().any(|(_, l)| matches!(l, Link::SameParent(_))));
    assert!(next.iter().all(|(m, _)| m.id != "excel-pivot-summary"));
    assert!(next_for("no-such-id").is_empty());
}

#[test]
fn search_ranks_name_matches_first() {
    let cat = mm_micro::catalogue::curated();
    let hits = cat.search("pivot table", 5);
    assert_eq!(hits[0].1.id, "excel-pivot-summary");
    assert!(cat.search("zzzz qqqq", 5).is_empty());
    let err = cat.find("excel-pivot").unwrap_err().to_string();
    assert!(err.contains("did you mean"), "{err}");
}

#[test]
fn generated_sources_merge_without_duplicates() {
    let mut cat = Catalogue::curated().unwrap();
    let curated = cat.len();
    let mut copy = cat.get("excel-pivot-summary").unwrap().clone();
    copy.id = "postings-excel".into();
    copy.source = Source::Postings;
    let r = cat.merge(vec![copy]);
    assert_eq!(r.added, 0);
    assert_eq!(
        r.duplicates,
        vec![("postings-excel".into(), "excel-pivot-summary".into())]
    );

    let carved = mm_micro::onet::carve_uncovered(&cat, tax(), 3);
    let r = cat.merge(carved.clone());
    // O*NET repeats some task statements across occupations: merged once.
    assert_eq!(r.added + r.duplicates.len(), carved.len());
    assert!(
        r.duplicates.len() * 20 < carved.len(),
        "{} duplicates",
        r.duplicates.len()
    );
    for (dup, kept) in &r.duplicates {
        let a = carved.iter().find(|m| &m.id == dup).unwrap();
        let b = cat.get(kept).unwrap();
        assert_eq!(
            mm_micro::model::fold_name(&a.name),
            mm_micro::model::fold_name(&b.name)
        );
    }
    assert!(cat.len() > curated + 1000, "{} entries", cat.len());
    // Covered occupations are left to the curated catalogue.
    let covered: Vec<&str> = tax()
        .onet_occupations
        .iter()
        .filter(|o| mm_micro::onet::covers(&cat, tax(), o))
        .map(|o| o.title.as_str())
        .collect();
    assert!(!covered.is_empty());
    for m in &carved {
        assert_eq!(m.source, Source::OnetTask);
        assert!((2..=4).contains(&m.done_when.len()));
        for c in &m.done_when[1..] {
            mm_micro::lint::observable(c).unwrap();
        }
    }
}

const SQL: &str = "http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742";

#[test]
fn search_puts_curated_first_and_hides_weak_generated_matches() {
    let mut cat = Catalogue::curated().unwrap();
    let carved = |id: &str, name: &str| {
        let mut m: mm_micro::CatalogueMicroSkill =
            toml::from_str(&format!("id = \"{id}\"\nname = \"{name}\"")).unwrap();
        m.source = Source::OnetTask;
        m
    };
    cat.merge(vec![
        carved("onet-task-1", "Set a table for a banquet"),
        carved("onet-task-2", "Build pivot table reports of weekly sales"),
    ]);
    let ids: Vec<&str> = cat
        .search("pivot table", 20)
        .into_iter()
        .map(|h| h.1.id.as_str())
        .collect();
    assert_eq!(ids[0], "excel-pivot-summary", "{ids:?}");
    // A carved task that matches every word is shown, after the curated hits.
    let carved_at = ids.iter().position(|i| *i == "onet-task-2").unwrap();
    assert!(ids[..carved_at].iter().all(|i| !i.starts_with("onet-task")));
    // One shared word ("table") is not a match worth showing.
    assert!(!ids.contains(&"onet-task-1"), "{ids:?}");
    // The words of a parent's URI match nothing.
    assert!(cat.search("europa 598de5b0", 5).is_empty());
}

#[test]
fn search_finds_entries_by_their_parents_labels() {
    let mut cat = Catalogue::curated().unwrap();
    assert!(cat.search("spreadsheets", 5).is_empty());
    cat.label_parents(tax());
    let ids: Vec<String> = cat
        .search("spreadsheets", 10)
        .into_iter()
        .map(|h| h.1.id.clone())
        .collect();
    assert!(ids.iter().any(|i| i == "excel-pivot-summary"), "{ids:?}");
}

#[test]
fn a_broad_parent_does_not_link_across_roles() {
    // The PHP form handler guards SQL from injection; it is a web
    // developer's step, not the next one after a data analyst's SQL query.
    let next: Vec<&str> = next_for("sql-join-group-by")
        .iter()
        .map(|(m, _)| m.id.as_str())
        .collect();
    assert!(!next.contains(&"php-form-handler"), "{next:?}");
    assert!(next.contains(&"sql-window-functions"), "{next:?}");
    // Under SQL, the entries whose main parent it is come first.
    let under: Vec<&str> = micro_skills_for(SQL)
        .iter()
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(under[0], "sql-join-group-by", "{under:?}");
    // and the PHP handler is filed under PHP alone, not under SQL.
    assert!(!under.contains(&"php-form-handler"), "{under:?}");
}

#[test]
fn entries_take_their_areas_isco_groups_unless_they_name_their_own() {
    let text = r#"
isco = ["71", "72", "74"]

[[micro]]
id = "any-trade"
name = "Plan a team lift"

[[micro]]
id = "gas-only"
name = "Commission a gas boiler"
isco = ["7126", "7127"]
"#;
    let all = parse_file("trades", text).unwrap();
    assert_eq!(all[0].isco, ["71", "72", "74"]);
    assert_eq!(all[1].isco, ["7126", "7127"]);
    // An electrician (7411) gets the first, not the boiler; a plumber both.
    assert!(all[0].fits_isco("7411") && !all[1].fits_isco("7411"));
    assert!(all[0].fits_isco("7126") && all[1].fits_isco("7126"));
    // An accountant neither; an occupation without a group any.
    assert!(!all[0].fits_isco("2411"));
    assert!(all[1].fits_isco(""));
    // Every curated area names its groups, and each names real ones (the
    // lint checks them against ESCO's occupations).
    let cat = mm_micro::catalogue::curated();
    for (area, _) in CURATED_FILES {
        assert!(
            cat.entries()
                .iter()
                .filter(|m| m.area == *area)
                .all(|m| !m.isco.is_empty()),
            "{area}"
        );
    }
}
