//! Which parent skills must the catalogue cover, and how much does it?
//!
//! Ranks the 50 roles below (5 per sector, 10 sectors; an exact ESCO
//! occupation label is taken as that occupation, other titles go through the
//! title search — two roles are written as ESCO labels because the search
//! took "contact centre agent" for a social service consultant and "system
//! administrator" for an ICT security administrator) with `mm discover`'s ranker (no market evidence, an empty profile), takes the parents round
//! robin — every role's 1st candidate, then every role's 2nd, … — until 300
//! distinct parents are in, and reports, per sector, how many of its
//! parents have at least one curated micro-skill.
//!
//! ```text
//! cargo run -p mm-micro --example coverage            # print the report
//! cargo run -p mm-micro --example coverage -- --write docs/micro.md
//! cargo run -p mm-micro --example coverage -- --missing 40   # parents to author next
//! ```

use mm_discover::rank::{Profile, RankOptions, Ranker, resolve_occupation, resolve_role};
use mm_micro::catalogue::Catalogue;
use mm_taxonomy::Taxonomy;
use mm_taxonomy::occupations::OccupationIndex;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// The 50 most common roles, 5 per sector.
const ROLES: &[(&str, [&str; 5])] = &[
    (
        "tech",
        [
            "software developer",
            "web developer",
            "ICT system administrator",
            "ICT help desk agent",
            "software tester",
        ],
    ),
    (
        "data",
        [
            "data analyst",
            "data scientist",
            "database administrator",
            "business intelligence manager",
            "statistician",
        ],
    ),
    (
        "health",
        [
            "nurse responsible for general care",
            "healthcare assistant",
            "pharmacist",
            "physiotherapist",
            "medical administrative assistant",
        ],
    ),
    (
        "trades",
        [
            "electrician",
            "plumber",
            "carpenter",
            "welder",
            "heating and air conditioning installer",
        ],
    ),
    (
        "finance",
        [
            "accountant",
            "bookkeeper",
            "financial analyst",
            "auditor",
            "loan officer",
        ],
    ),
    (
        "sales and marketing",
        [
            "sales representative",
            "marketing manager",
            "social media manager",
            "shop assistant",
            "call centre agent",
        ],
    ),
    (
        "HR",
        [
            "human resources officer",
            "recruitment consultant",
            "payroll clerk",
            "corporate training manager",
            "human resources manager",
        ],
    ),
    (
        "education",
        [
            "primary school teacher",
            "secondary school teacher",
            "teaching assistant",
            "early years teacher",
            "vocational teacher",
        ],
    ),
    (
        "hospitality",
        [
            "waiter",
            "cook",
            "bartender",
            "hotel receptionist",
            "room attendant",
        ],
    ),
    (
        "logistics",
        [
            "warehouse worker",
            "lorry driver",
            "forklift operator",
            "logistics analyst",
            "supply chain manager",
        ],
    ),
];

const TARGET: usize = 300;

/// One role's ranking: (sector, role as resolved, (uri, label) best first).
type RoleRanking = (&'static str, String, Vec<(String, String)>);

struct Parent {
    uri: String,
    label: String,
    first_role: String,
    sectors: Vec<&'static str>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let write = args
        .iter()
        .position(|a| a == "--write")
        .and_then(|i| args.get(i + 1));
    let missing: Option<usize> = args
        .iter()
        .position(|a| a == "--missing")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse().ok());

    let tax = Taxonomy::load_embedded()?;
    let idx = OccupationIndex::new(&tax);
    let ranker = Ranker::new(&tax);
    let cat = Catalogue::curated()?;

    // Each role's candidates, best first.
    let mut lists: Vec<RoleRanking> = Vec::new();
    let mut unresolved = Vec::new();
    for (sector, roles) in ROLES {
        for r in roles {
            // An exact ESCO preferred label names the occupation itself;
            // otherwise the title search decides (as `mm discover --role`).
            let exact = tax
                .occupations
                .iter()
                .find(|o| o.preferred.eq_ignore_ascii_case(r))
                .map(|o| o.uri.clone());
            let role = match exact {
                Some(uri) => resolve_occupation(&tax, &idx, &uri),
                None => resolve_role(&tax, &idx, r),
            };
            match role {
                Ok(role) => {
                    let ranking =
                        ranker.rank(&role, &Profile::default(), None, RankOptions::default());
                    let c: Vec<(String, String)> = ranking
                        .all()
                        .into_iter()
                        .map(|c| (c.uri.clone(), c.label.clone()))
                        .collect();
                    lists.push((sector, format!("{r} → {}", role.title()), c));
                }
                Err(e) => unresolved.push(format!("{r}: {e}")),
            }
        }
    }
    // Round robin until TARGET distinct parents; every parent remembers the
    // sectors whose roles ranked it within the depth reached.
    let mut parents: Vec<Parent> = Vec::new();
    let mut at: HashMap<String, usize> = HashMap::new();
    let mut depth = 0;
    'outer: loop {
        let mut any = false;
        for (sector, role, c) in &lists {
            let Some((uri, label)) = c.get(depth) else {
                continue;
            };
            any = true;
            match at.get(uri) {
                Some(&i) => {
                    if !parents[i].sectors.contains(sector) {
                        parents[i].sectors.push(sector);
                    }
                }
                None => {
                    if parents.len() >= TARGET {
                        continue;
                    }
                    at.insert(uri.clone(), parents.len());
                    parents.push(Parent {
                        uri: uri.clone(),
                        label: label.clone(),
                        first_role: role.clone(),
                        sectors: vec![sector],
                    });
                }
            }
        }
        depth += 1;
        if !any || parents.len() >= TARGET {
            break 'outer;
        }
    }

    let covered = |p: &Parent| !cat.micro_skills_for(&p.uri).is_empty();
    let mut report = String::new();
    writeln!(
        report,
        "The {} parents `mm discover` ranks highest across {} roles in {} sectors \
         (each role's top {depth} candidates, taken round robin; no market evidence, empty profile). \
         A parent is covered when at least one curated micro-skill hangs from it.\n",
        parents.len(),
        lists.len(),
        ROLES.len()
    )?;
    writeln!(
        report,
        "| sector | parents | covered | share | curated micro-skills |"
    )?;
    writeln!(report, "|---|---:|---:|---:|---:|")?;
    let mut per_area: BTreeMap<&str, usize> = BTreeMap::new();
    for m in cat.entries() {
        *per_area.entry(m.area.as_str()).or_default() += 1;
    }
    for (sector, _) in ROLES {
        let ps: Vec<&Parent> = parents
            .iter()
            .filter(|p| p.sectors.contains(sector))
            .collect();
        let c = ps.iter().filter(|p| covered(p)).count();
        let area = sector.to_lowercase().replace(" and ", "-");
        writeln!(
            report,
            "| {sector} | {} | {c} | {:.0}% | {} |",
            ps.len(),
            100.0 * c as f64 / ps.len().max(1) as f64,
            per_area.get(area.as_str()).copied().unwrap_or(0)
        )?;
    }
    let c = parents.iter().filter(|p| covered(p)).count();
    writeln!(
        report,
        "| **all** | {} | {c} | {:.0}% | {} |",
        parents.len(),
        100.0 * c as f64 / parents.len().max(1) as f64,
        cat.len()
    )?;
    if !unresolved.is_empty() {
        writeln!(
            report,
            "\nRoles that did not resolve: {}",
            unresolved.join("; ")
        )?;
    }
    writeln!(
        report,
        "\nRoles as resolved: {}.",
        lists
            .iter()
            .map(|l| l.1.as_str())
            .collect::<Vec<_>>()
            .join("; ")
    )?;

    if let Some(n) = missing {
        for p in parents.iter().filter(|p| !covered(p)).take(n) {
            println!(
                "{}\t{}\t{}\t{}",
                p.uri,
                p.label,
                p.sectors.join(","),
                p.first_role
            );
        }
        return Ok(());
    }
    print!("{report}");
    if let Some(path) = write {
        let doc = std::fs::read_to_string(path)?;
        let (start, end) = ("<!-- coverage:start -->", "<!-- coverage:end -->");
        let (Some(a), Some(b)) = (doc.find(start), doc.find(end)) else {
            return Err(format!("{path} has no {start} … {end} markers").into());
        };
        let new = format!("{}{start}\n{report}{}", &doc[..a], &doc[b..]);
        std::fs::write(path, new)?;
        eprintln!("wrote the coverage report into {path}");
    }
    Ok(())
}
