//! `mm taxonomy`: build the compiled taxonomy and look skills and occupations up.

use crate::ui::outln;
use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use mm_taxonomy::{Taxonomy, import};
use std::path::PathBuf;

/// Build, search and inspect the ESCO + O*NET taxonomy shipped with mm.
#[derive(Debug, Args)]
pub struct TaxonomyArgs {
    #[command(subcommand)]
    pub command: TaxonomyCommand,
}

#[derive(Debug, Subcommand)]
pub enum TaxonomyCommand {
    /// Compile ESCO v1.1.1 + O*NET 29.3 into the compact file mm ships
    /// (data/taxonomy/taxonomy.bin.zst). Only needed when the sources change.
    ///
    /// Example: mm taxonomy build --from ../shared/data --out data/taxonomy/taxonomy.bin.zst
    Build {
        /// Folder holding `esco/` (official CSV bundle) and `onet/` (tab-separated text).
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// Where to write the compiled taxonomy.
        #[arg(
            long,
            value_name = "FILE",
            default_value = "data/taxonomy/taxonomy.bin.zst"
        )]
        out: PathBuf,
    },
    /// Counts of the shipped taxonomy, the O*NET→ESCO link coverage, and how
    /// long loading it takes.
    Stats,
    /// Ranked skills and occupations for some words.
    ///
    /// Example: mm taxonomy search machine learning
    Search {
        /// Words to look for.
        #[arg(required = true, num_args = 1..)]
        words: Vec<String>,
        /// How many skills and occupations to list.
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// Everything about one skill: labels, description, broader and narrower
    /// skills, related skills, the occupations that need it (essential or
    /// optional) and linked O*NET technologies with their Hot Technology / In
    /// Demand flags. Also shows an ESCO occupation given its URI.
    ///
    /// Examples: mm taxonomy show SQL; mm taxonomy show http://data.europa.eu/esco/skill/598de5b0-5b58-4ea7-8058-a4bc4d18c742
    Show {
        /// A skill URI, or a label (preferred, alternative or hidden).
        #[arg(required = true, num_args = 1..)]
        what: Vec<String>,
        /// How many occupations and related skills to list per section (0 = all).
        #[arg(long, default_value_t = 15)]
        limit: usize,
    },
    /// Free-text job title → ESCO and O*NET occupations, via preferred and
    /// alternate titles; when several fit about as well, says so.
    ///
    /// Example: mm taxonomy occupation "software engineer"
    Occupation {
        /// The job title.
        #[arg(required = true, num_args = 1..)]
        title: Vec<String>,
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
}

pub fn run(args: TaxonomyArgs, g: &crate::Global) -> Result<()> {
    match args.command {
        TaxonomyCommand::Build { from, out } => build(&from, &out, g),
        TaxonomyCommand::Stats => stats(g),
        TaxonomyCommand::Search { words, top } => search(&words.join(" "), top, g),
        TaxonomyCommand::Show { what, limit } => show(&what.join(" "), limit, g),
        TaxonomyCommand::Occupation { title, top } => occupation(&title.join(" "), top, g),
    }
}

fn build(from: &std::path::Path, out: &std::path::Path, g: &crate::Global) -> Result<()> {
    let tax = import::build(&from.join("esco"), &from.join("onet"))
        .with_context(|| format!("importing ESCO and O*NET from {}", from.display()))?;
    let bytes = tax.to_compiled().context("compiling the taxonomy")?;
    crate::outfile::write(out, &bytes)?;
    if g.json {
        outln!(
            "{}",
            serde_json::json!({"out": out, "bytes": bytes.len(), "coverage": tax.coverage})
        )?;
    } else {
        outln!("wrote {} ({} bytes)", out.display(), bytes.len())?;
        print_counts(&tax)?;
    }
    Ok(())
}

fn print_counts(tax: &Taxonomy) -> anyhow::Result<()> {
    let c = tax.coverage;
    let labels: usize = tax.skills.iter().map(|s| 1 + s.alt.len()).sum();
    outln!(
        "{}: {} skills ({} preferred+alternative labels), {} skill groups, {} occupations",
        tax.esco_version,
        tax.skills.len(),
        labels,
        tax.skill_groups.len(),
        tax.occupations.len()
    )?;
    outln!(
        "{}: {} occupations, {} technologies",
        tax.onet_version,
        tax.onet_occupations.len(),
        tax.technologies.len()
    )?;
    outln!(
        "O*NET technologies linked to ESCO skills: {}/{} ({:.1}%); Hot Technologies: {}/{} ({:.1}%)",
        c.linked,
        c.technologies,
        pct(c.linked, c.technologies),
        c.hot_linked,
        c.hot,
        pct(c.hot_linked, c.hot)
    )?;
    outln!(
        "O*NET commodity categories linked to ESCO skills: {}/{}; technologies linked by name or category: {}/{} ({:.1}%); Hot Technologies: {}/{} ({:.1}%)",
        c.commodities_linked,
        c.commodities,
        c.linked_any,
        c.technologies,
        pct(c.linked_any, c.technologies),
        c.hot_linked_any,
        c.hot,
        pct(c.hot_linked_any, c.hot)
    )?;
    Ok(())
}

fn pct(a: u32, b: u32) -> f64 {
    if b == 0 {
        0.0
    } else {
        100.0 * f64::from(a) / f64::from(b)
    }
}

fn stats(g: &crate::Global) -> Result<()> {
    let t0 = std::time::Instant::now();
    let tax = Taxonomy::load_embedded().context("loading the shipped taxonomy")?;
    let ms = t0.elapsed().as_secs_f64() * 1e3;
    if g.json {
        outln!(
            "{}",
            serde_json::json!({
                "esco": tax.esco_version, "onet": tax.onet_version,
                "skills": tax.skills.len(), "occupations": tax.occupations.len(),
                "onet_occupations": tax.onet_occupations.len(),
                "technologies": tax.technologies.len(),
                "coverage": tax.coverage, "load_ms": ms,
            })
        )?;
    } else {
        print_counts(&tax)?;
        outln!("loaded in {ms:.1} ms")?;
    }
    Ok(())
}

use mm_taxonomy::map::Mapper;
use mm_taxonomy::occupations::{OccRef, OccupationHit, OccupationIndex};
use mm_taxonomy::{ConceptRef, Relation, SkillIdx};
use serde_json::{Value, json};

fn load() -> Result<Taxonomy> {
    Taxonomy::load_embedded().context("loading the shipped taxonomy")
}

fn occ_json(tax: &Taxonomy, h: &OccupationHit) -> Value {
    match h.occupation {
        OccRef::Esco(i) => {
            let o = tax.occupation(i);
            json!({"source": "ESCO", "uri": o.uri, "label": o.preferred, "isco_group": o.isco_group,
                   "matched_title": h.title, "score": h.score})
        }
        OccRef::Onet(i) => {
            let o = &tax.onet_occupations[i as usize];
            json!({"source": "O*NET", "code": o.code, "label": o.title, "matched_title": h.title, "score": h.score})
        }
    }
}

fn occ_line(tax: &Taxonomy, h: &OccupationHit) -> String {
    let (src, label, id) = match h.occupation {
        OccRef::Esco(i) => {
            let o = tax.occupation(i);
            (
                "ESCO ",
                o.preferred.as_str(),
                format!("ISCO {} {}", o.isco_group, o.uri),
            )
        }
        OccRef::Onet(i) => {
            let o = &tax.onet_occupations[i as usize];
            ("O*NET", o.title.as_str(), o.code.clone())
        }
    };
    let via = if h.title.eq_ignore_ascii_case(label) {
        String::new()
    } else {
        format!(" (as \"{}\")", h.title)
    };
    format!("{src} {:.2}  {label}{via}  {id}", h.score)
}

fn search(words: &str, top: usize, g: &crate::Global) -> Result<()> {
    let tax = load()?;
    let mapper = Mapper::new(&tax);
    let skills = mapper.rank(words, top);
    let occs = OccupationIndex::new(&tax).search(words, top);
    if g.json {
        let s: Vec<Value> = skills
            .iter()
            .map(|&(i, sc)| {
                let k = tax.skill(i);
                json!({"uri": k.uri, "label": k.preferred, "skill_type": k.skill_type.as_str(), "score": sc})
            })
            .collect();
        let o: Vec<Value> = occs.iter().map(|h| occ_json(&tax, h)).collect();
        outln!(
            "{}",
            serde_json::to_string_pretty(&json!({"skills": s, "occupations": o}))?
        )?;
        return Ok(());
    }
    if skills.is_empty() && occs.is_empty() {
        anyhow::bail!("nothing in ESCO or O*NET matches {words:?}");
    }
    outln!("Skills")?;
    for (r, &(i, sc)) in skills.iter().enumerate() {
        let k = tax.skill(i);
        outln!("{:>3}. {:<55} {:>7.2}  {}", r + 1, k.preferred, sc, k.uri)?;
    }
    outln!("\nOccupations")?;
    for (r, h) in occs.iter().enumerate() {
        outln!("{:>3}. {}", r + 1, occ_line(&tax, h))?;
    }
    Ok(())
}

fn resolve_skill(tax: &Taxonomy, what: &str) -> Result<Option<SkillIdx>> {
    if what.starts_with("http") {
        return Ok(tax.skill_by_uri(what));
    }
    let hits = tax.skills_by_label(what);
    if hits.len() > 1
        && !hits
            .iter()
            .any(|&h| tax.skill(h).preferred.eq_ignore_ascii_case(what))
    {
        let names: Vec<String> = hits
            .iter()
            .take(8)
            .map(|&h| format!("{} <{}>", tax.skill(h).preferred, tax.skill(h).uri))
            .collect();
        eprintln!(
            "mm: {what:?} is a label of {} skills, showing the first; others: {}",
            hits.len(),
            names[1..].join("; ")
        );
    }
    Ok(hits.first().copied())
}

fn limited<T: Clone>(v: &[T], limit: usize) -> Vec<T> {
    if limit == 0 {
        v.to_vec()
    } else {
        v.iter().take(limit).cloned().collect()
    }
}

fn show(what: &str, limit: usize, g: &crate::Global) -> Result<()> {
    let tax = load()?;
    if let Some(o) = tax.occupation_by_uri(what) {
        return show_occupation(&tax, o, limit, g);
    }
    let Some(i) = resolve_skill(&tax, what)? else {
        let sugg: Vec<String> = Mapper::new(&tax)
            .rank(what, 3)
            .iter()
            .map(|&(i, _)| format!("\"{}\"", tax.skill(i).preferred))
            .collect();
        let hint = if sugg.is_empty() {
            String::new()
        } else {
            format!("; did you mean {}?", sugg.join(", "))
        };
        return Err(crate::exit::Exit {
            code: 2,
            message: format!("no ESCO skill has the label or URI {what:?}{hint}"),
        }
        .into());
    };
    let s = tax.skill(i);
    let (hot, demand) = tax.onet_flags(i);
    let ess: Vec<_> = s
        .occupations
        .iter()
        .filter(|o| o.1 == Relation::Essential)
        .map(|o| o.0)
        .collect();
    let opt: Vec<_> = s
        .occupations
        .iter()
        .filter(|o| o.1 == Relation::Optional)
        .map(|o| o.0)
        .collect();
    let concept = |c: &ConceptRef| {
        let (u, l) = tax.concept_label(*c);
        json!({"uri": u, "label": l})
    };
    let occ = |o: &u32| {
        let o = tax.occupation(*o);
        json!({"uri": o.uri, "label": o.preferred})
    };
    let techs: Vec<Value> = s
        .technologies
        .iter()
        .map(|&t| {
            let t = &tax.technologies[t as usize];
            json!({"name": t.name, "commodity": t.commodity_title, "occupations": t.used_in,
                   "hot_technology_in": t.hot_in, "in_demand_in": t.in_demand_in,
                   "source": t.source,
                   "covers": t.esco.iter().chain(&t.commodity_esco).map(|&e| tax.skill(e).preferred.clone()).collect::<Vec<_>>()})
        })
        .collect();
    let v = json!({
        "uri": s.uri, "label": s.preferred, "alt_labels": s.alt, "hidden_labels": s.hidden, "aliases": s.aliases,
        "description": s.description, "skill_type": s.skill_type.as_str(), "reuse_level": s.reuse_level.as_str(),
        "broader": s.broader.iter().map(concept).collect::<Vec<_>>(),
        "narrower": s.narrower.iter().map(|&n| concept(&ConceptRef::Skill(n))).collect::<Vec<_>>(),
        "related": s.related.iter().map(|(r, rel)| json!({"uri": tax.skill(*r).uri, "label": tax.skill(*r).preferred, "relation": rel.as_str()})).collect::<Vec<_>>(),
        "essential_for": limited(&ess, limit).iter().map(occ).collect::<Vec<_>>(),
        "optional_for": limited(&opt, limit).iter().map(occ).collect::<Vec<_>>(),
        "essential_for_count": ess.len(), "optional_for_count": opt.len(),
        "onet": {"technologies": techs, "hot_technology": hot, "in_demand": demand},
    });
    if g.json {
        outln!("{}", serde_json::to_string_pretty(&v)?)?;
        return Ok(());
    }
    let kind: Vec<&str> = [s.skill_type.as_str(), s.reuse_level.as_str()]
        .into_iter()
        .filter(|k| !k.is_empty())
        .collect();
    outln!("{}  [{}]", s.preferred, kind.join(", "))?;
    outln!("{}", s.uri)?;
    if !s.description.is_empty() {
        outln!("\n{}", s.description)?;
    }
    let list = |title: &str, items: Vec<String>, total: usize| {
        if total > 0 {
            let more = if total > items.len() {
                format!(" (showing {} of {total})", items.len())
            } else {
                String::new()
            };
            outln!("\n{title}{more}:")?;
            for it in items {
                outln!("  - {it}")?;
            }
        }
        anyhow::Ok(())
    };
    list("Also called", s.alt.clone(), s.alt.len())?;
    list(
        "Also known as (technology aliases)",
        s.aliases.clone(),
        s.aliases.len(),
    )?;
    list(
        "Broader",
        s.broader
            .iter()
            .map(|c| tax.concept_label(*c).1.to_string())
            .collect(),
        s.broader.len(),
    )?;
    list(
        "Narrower",
        limited(&s.narrower, limit)
            .iter()
            .map(|&n| tax.skill(n).preferred.clone())
            .collect(),
        s.narrower.len(),
    )?;
    list(
        "Related skills",
        limited(&s.related, limit)
            .iter()
            .map(|(r, rel)| format!("{} ({})", tax.skill(*r).preferred, rel.as_str()))
            .collect(),
        s.related.len(),
    )?;
    list(
        "Essential for",
        limited(&ess, limit)
            .iter()
            .map(|&o| tax.occupation(o).preferred.clone())
            .collect(),
        ess.len(),
    )?;
    list(
        "Optional for",
        limited(&opt, limit)
            .iter()
            .map(|&o| tax.occupation(o).preferred.clone())
            .collect(),
        opt.len(),
    )?;
    let tl: Vec<String> = s
        .technologies
        .iter()
        .map(|&t| {
            let t = &tax.technologies[t as usize];
            format!(
                "{} — listed for {} O*NET occupations, Hot Technology in {}, In Demand in {}",
                t.name, t.used_in, t.hot_in, t.in_demand_in
            )
        })
        .collect();
    let n = tl.len();
    list("O*NET technologies", tl, n)?;
    outln!(
        "\nO*NET flags: Hot Technology {}, In Demand {}",
        if hot { "yes" } else { "no" },
        if demand { "yes" } else { "no" }
    )?;
    Ok(())
}

fn show_occupation(tax: &Taxonomy, o: u32, limit: usize, g: &crate::Global) -> Result<()> {
    let oc = tax.occupation(o);
    let sk = |rel: Relation| -> Vec<&str> {
        oc.skills
            .iter()
            .filter(|s| s.1 == rel)
            .map(|s| tax.skill(s.0).preferred.as_str())
            .collect()
    };
    let (ess, opt) = (sk(Relation::Essential), sk(Relation::Optional));
    if g.json {
        outln!(
            "{}",
            serde_json::to_string_pretty(
                &json!({"uri": oc.uri, "label": oc.preferred, "alt_labels": oc.alt,
                "description": oc.description, "isco_group": oc.isco_group, "code": oc.code,
                "essential_skills": ess, "optional_skills": opt})
            )?
        )?;
        return Ok(());
    }
    outln!(
        "{}  [ESCO occupation {}, ISCO {}]\n{}\n\n{}",
        oc.preferred,
        oc.code,
        oc.isco_group,
        oc.uri,
        oc.description
    )?;
    outln!(
        "\nEssential skills ({}): {}",
        ess.len(),
        limited(&ess, limit).join("; ")
    )?;
    outln!(
        "Optional skills ({}): {}",
        opt.len(),
        limited(&opt, limit).join("; ")
    )?;
    Ok(())
}

fn occupation(title: &str, top: usize, g: &crate::Global) -> Result<()> {
    let tax = load()?;
    let idx = OccupationIndex::new(&tax);
    let hits = idx.search(title, top);
    if hits.is_empty() {
        return Err(crate::exit::Exit {
            code: 2,
            message: format!("no ESCO or O*NET occupation title shares a word with {title:?}"),
        }
        .into());
    }
    // Ambiguity: distinct occupations of one taxonomy that fit about as well as the best.
    let best = hits[0].score;
    let close = |src: fn(&OccRef) -> bool| {
        hits.iter()
            .filter(|h| src(&h.occupation) && h.score >= best - 0.05)
            .count()
    };
    let esco_close = close(|o| matches!(o, OccRef::Esco(_)));
    let onet_close = close(|o| matches!(o, OccRef::Onet(_)));
    let ambiguous = esco_close > 1 || onet_close > 1;
    // What `mm discover --role` takes the title as: one ESCO occupation and
    // its O*NET occupations by the official crosswalk.
    let chosen = idx
        .resolve(&tax, title)
        .and_then(|r| r.esco.map(|e| (e, r.onet)));
    if g.json {
        let v: Vec<Value> = hits.iter().map(|h| occ_json(&tax, h)).collect();
        let c = chosen.as_ref().map(|(e, onet)| {
            let o = tax.occupation(*e);
            json!({"uri": o.uri, "label": o.preferred,
                   "onet": onet.iter().map(|&i| tax.onet_occupations[i as usize].code.clone()).collect::<Vec<_>>()})
        });
        outln!(
            "{}",
            serde_json::to_string_pretty(
                &json!({"query": title, "ambiguous": ambiguous, "chosen": c, "occupations": v})
            )?
        )?;
        return Ok(());
    }
    for (r, h) in hits.iter().enumerate() {
        outln!("{:>3}. {}", r + 1, occ_line(&tax, h))?;
    }
    if let Some((e, onet)) = &chosen {
        let codes: Vec<&str> = onet
            .iter()
            .map(|&i| tax.onet_occupations[i as usize].code.as_str())
            .collect();
        outln!(
            "\n`mm discover --role {title:?}` takes it as ESCO \"{}\" <{}>{}",
            tax.occupation(*e).preferred,
            tax.occupation(*e).uri,
            if codes.is_empty() {
                String::new()
            } else {
                format!(" + O*NET {} (official crosswalk)", codes.join(", "))
            }
        )?;
    }
    if ambiguous {
        outln!(
            "\nambiguous: {esco_close} ESCO and {onet_close} O*NET occupations fit {title:?} within 0.05 of the best; add words to narrow it down"
        )?;
    }
    Ok(())
}
