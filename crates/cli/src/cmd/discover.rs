//! `mm discover`: the explained ranking of micro-skills for a role.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui::outln;
use anyhow::{Context, Result, anyhow, bail};
use clap::Args;
use mm_app::ErrorKind;
use mm_app::discover::{self, Discovery, Market, MarketSource, RankedSkill, RoleQuery};
use mm_discover::rank::{Candidate, Role, WEIGHTS};
use mm_taxonomy::Taxonomy;
use mm_taxonomy::occupations::OccupationIndex;

/// Rank high-impact micro-skills for a role, each with the evidence behind it.
///
/// Parent skills are ranked first: the skills ESCO links to the occupation,
/// the skills its ISCO-group peers need, and the O*NET technologies of the
/// matching O*NET occupation. Only micro-skills reach the list: each ranked
/// skill is shown through the catalogue's micro-skills of it (curated, or
/// your own; at most two each, so the list spans the role), numbered for
/// `mm goal new --from <#>`, with the parent's evidence and the micro-skill's
/// own (its tools and skills in the postings, O*NET Hot Technology). Skills
/// with no micro-skill yet are named apart; when the catalogue carves too few
/// of the role's skills, the core tasks of its O*NET occupation fill the list.
/// A parent's score is a weighted sum of visible components (0–1):
///
///   esco 0.25       essential (1) or optional (0.5) for the ESCO occupation
///   peers 0.15      share of same-ISCO-group occupations that need it
///   onet 0.25       O*NET technology used (0.4) + Hot Technology (0.3) +
///                   In Demand (0.3), or the importance / 5 of an O*NET
///                   skill it exercises (crosswalked onto ESCO's skill
///                   groups; only ratings O*NET calls important, ≥ 3),
///                   averaged over the O*NET occupations of the role
///   market 0.15     share of the role's postings (vs the most asked-for
///                   candidate), ±0.2 for a significant monthly trend,
///                   × n/30 when only n < 30 postings have the role's title
///   closeness 0.10  linked to a skill you hold (ESCO relation, hierarchy,
///                   co-occurrence in postings)
///   micro 0.10      narrow and learnable: skill type, reuse level, number of
///                   narrower skills, number of occupations using it
///
/// Skills you hold (declared with a level, or achieved goals) are left out,
/// and so are skills named like the role itself, and micro-skills you have
/// achieved. Broad competences scoring at least 0.25 are listed apart as
/// arcs whose steps are the micro-skills of their narrower skills linked to
/// the role.
///
/// Postings: only postings whose titles name the role feed the market
/// component, with the count shown; with none, it says "no market evidence".
/// --postings files or folders are analysed now; otherwise the latest saved
/// `mm market analyse --role` result for this role; otherwise the shipped
/// sample of 198 postings. Boilerplate, near-duplicates and non-English
/// postings are left out as in `mm market analyse`.
///
/// The role: --role, --occupation, or the stored target role. Where a coach
/// would start a beginner of the occupation (the catalogue's first steps),
/// those lead the list. --stack and --country (or your profile's) keep the
/// list to your languages and your country's rules.
///
/// Examples:
///   mm discover --role "data analyst" --explain
///   mm discover --occupation http://data.europa.eu/esco/occupation/... --top 20
///   mm discover --role "nurse" --postings nhs.jsonl --json
///   mm discover --role "software developer" --stack python --country GB
///   mm goal new --from 1        # the first micro-skill becomes a goal
#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The role, as a job title ("data analyst").
    #[arg(long, conflicts_with = "occupation")]
    pub role: Option<String>,
    /// The role as an ESCO occupation URI or O*NET-SOC code (15-2051.01).
    #[arg(long)]
    pub occupation: Option<String>,
    /// Posting files or folders to measure demand on (default: the latest
    /// saved analysis for this role, else the shipped sample).
    #[arg(long, num_args = 1..)]
    pub postings: Vec<String>,
    #[command(flatten)]
    pub input: super::market::InputArgs,
    #[command(flatten)]
    pub honesty: super::market::HonestyArgs,
    /// Use this saved market analysis (from `mm market list`).
    #[arg(long, conflicts_with = "postings")]
    pub market: Option<i64>,
    /// Rank without posting data.
    #[arg(long, conflicts_with_all = ["postings", "market"])]
    pub no_market: bool,
    /// Show each score broken into its components and their evidence.
    #[arg(long)]
    pub explain: bool,
    /// Micro-skills to show.
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Broad competences (arcs) to show.
    #[arg(long, default_value_t = 5)]
    pub arcs: usize,
    /// The country you work in (ISO code: GB, US, DE): steps written for
    /// another country's law or standards are left out (default: your
    /// profile's; unknown: they are shown, marked).
    #[arg(long, value_name = "CODE")]
    pub country: Option<String>,
    /// The languages or platforms you work in, of those the catalogue has
    /// steps for (python, javascript, java, dotnet, php, r, cpp;
    /// comma-separated): steps for other stacks are left out (default: your
    /// profile's, else the ones your held skills name; unknown: one step
    /// per stack).
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    pub stack: Vec<String>,
}

/// The shipped taxonomy.
pub fn taxonomy() -> Result<Taxonomy> {
    Taxonomy::load_embedded().context("loading the shipped taxonomy")
}

/// An application error with the CLI's hint after it, keeping its kind.
pub fn hinted(e: mm_app::Error, hint: impl std::fmt::Display) -> mm_app::Error {
    mm_app::Error::new(e.kind(), format!("{} ({hint})", e.message()))
}

/// `--role` / `--occupation`, else the stored target role.
pub fn role_query(role: Option<&str>, occupation: Option<&str>) -> RoleQuery {
    match (occupation, role) {
        (Some(o), _) => RoleQuery::Occupation(o.to_owned()),
        (None, Some(r)) => RoleQuery::Title(r.to_owned()),
        (None, None) => RoleQuery::Stored,
    }
}

/// The role from --role / --occupation / the stored target role.
pub fn pick_role(
    ctx: &Ctx,
    tax: &Taxonomy,
    idx: &OccupationIndex,
    role: Option<&str>,
    occupation: Option<&str>,
) -> Result<Option<Role>> {
    let q = role_query(role, occupation);
    Ok(ctx.block(discover::role(&ctx.app, tax, idx, &q))?)
}

pub fn run(a: DiscoverArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let tax = taxonomy()?;
    let idx = OccupationIndex::new(&tax);
    let Some(role) = pick_role(&ctx, &tax, &idx, a.role.as_deref(), a.occupation.as_deref())?
    else {
        bail!(
            "which role? Give --role \"<job title>\" or --occupation <uri>, or store a target role with `mm profile set --target-role \"<title>\"`"
        );
    };
    let market = match (a.no_market, a.market) {
        (true, _) => MarketSource::None,
        (false, Some(id)) => MarketSource::Saved(id),
        (false, None) if !a.postings.is_empty() => MarketSource::Postings(a.postings.clone()),
        (false, None) => MarketSource::Auto,
    };
    let input = discover::DiscoverInput {
        market,
        input: super::market::posting_input(&a.input, &a.honesty),
        top: a.top,
        arcs: a.arcs,
        country: a.country.clone(),
        stacks: a.stack.clone(),
    };
    let mut bar = super::market::Bar::default();
    let d = ctx.block(discover::discover(&ctx.app, &tax, &role, &input, &mut bar))?;
    if g.json {
        return crate::ctx::print_json(&d);
    }
    print_ranking(&d, a.explain)
}

/// Where the postings came from, saying how to make a saved analysis for
/// the role when the latest one was passed over.
fn source_line(m: &Market, role: &Role) -> String {
    match m.passed_over {
        Some(id) => format!(
            "{} (the latest saved analysis, {id}, is not limited to this role's titles: `mm market analyse FILES --role \"{}\"` makes one)",
            m.source,
            role.title()
        ),
        None => m.source.clone(),
    }
}

/// One line on which postings fed the market component.
fn market_line(d: &Discovery) -> String {
    let Some(m) = &d.market else {
        return "Postings: none (--no-market)".into();
    };
    let (rep, source) = (&m.report, source_line(m, &d.role));
    let mut line = match &rep.title_filter {
        Some(t) => {
            let other = rep.exclusions();
            let left_out = if other.is_empty() {
                String::new()
            } else {
                format!(" (left out: {other})")
            };
            format!(
                "Postings: {source}: {} with a title of {}{left_out}",
                rep.postings, t.role
            )
        }
        None => format!("Postings: {source} ({} postings)", rep.postings),
    };
    if let Some(n) = &d.market_note {
        line.push_str(&format!("\n  → {n}"));
    }
    line
}

fn role_line(r: &Role) -> String {
    let mut parts = Vec::new();
    if let (Some(t), Some(u)) = (&r.esco_title, &r.esco_uri) {
        parts.push(format!("ESCO \"{t}\" <{u}>"));
    }
    if !r.onet_occupations.is_empty() {
        let o: Vec<String> = r
            .onet_occupations
            .iter()
            .map(|o| format!("{} {}", o.code, o.title))
            .collect();
        parts.push(format!("O*NET {}", o.join("; ")));
    }
    format!("{:?} → {}", r.query, parts.join(" + "))
}

/// Which occupation a title was taken as, and how to pick another.
fn choice_lines(r: &Role) -> Vec<String> {
    let mut out = Vec::new();
    if let (Some(m), Some(t)) = (&r.matched_title, &r.esco_title) {
        out.push(format!(
            "Chose ESCO \"{t}\" for {:?} (matched the title \"{m}\"){}.",
            r.query,
            if r.ambiguous {
                "; the title is ambiguous"
            } else {
                ""
            }
        ));
    }
    if !r.alternatives.is_empty() {
        out.push("Also fits; pick one with --occupation <uri>:".to_string());
        for a in &r.alternatives {
            out.push(format!("  {}  {}", a.title, a.uri));
        }
    }
    out
}

fn print_ranking(d: &Discovery, explain: bool) -> Result<()> {
    outln!("Role: {}", role_line(&d.role))?;
    for l in choice_lines(&d.role) {
        outln!("{l}")?;
    }
    outln!("{}", market_line(d))?;
    if d.held_skipped > 0 {
        outln!(
            "Left out: {} candidate skill(s) you already hold.",
            d.held_skipped
        )?;
    }
    if d.role_named_skipped > 0 {
        outln!(
            "Left out: {} skill(s) named like the role itself.",
            d.role_named_skipped
        )?;
    }
    let weights: Vec<String> = WEIGHTS.iter().map(|(n, w)| format!("{n} {w:.2}")).collect();
    outln!("Score = Σ component × weight ({}).", weights.join(", "))?;
    outln!()?;
    outln!(
        "Micro-skills to learn, under the skill each builds (commit: `mm goal new --from <#>`):"
    )?;
    let mut t = crate::ui::table(["#", "micro-skill", "time", "its own evidence"]);
    // An O*NET rating speaks for every skill of its ESCO groups: said once,
    // under the first parent it lifts, it is a reason; repeated, boilerplate.
    let mut said: Vec<&str> = Vec::new();
    for g in &d.micro {
        let c = &g.candidate;
        t.add_row(vec![
            String::new(),
            format!(
                "▸ {} — score {:.3}: {}",
                c.label,
                c.score,
                parent_evidence(c)
            ),
            String::new(),
            String::new(),
        ]);
        if let Some(r) = c
            .onet_rating
            .as_ref()
            .filter(|r| !said.contains(&r.element.as_str()))
        {
            said.push(&r.element);
            t.add_row(vec![
                String::new(),
                format!("  why: {}", r.reason),
                String::new(),
                String::new(),
            ]);
        }
        step_rows(&mut t, &g.steps);
        if g.more > 0 {
            t.add_row(vec![
                String::new(),
                format!(
                    "  +{} more: mm micro catalogue search --parent {}",
                    g.more, c.uri
                ),
                String::new(),
                String::new(),
            ]);
        }
    }
    if let Some(tasks) = &d.tasks {
        t.add_row(vec![
            String::new(),
            format!("▸ core tasks of O*NET {}", tasks.occupation),
            String::new(),
            String::new(),
        ]);
        step_rows(&mut t, &tasks.steps);
    }
    outln!("{t}")?;
    for n in &d.notes {
        outln!("Note: {n}")?;
    }
    if let Some(s) = d.stacks_offered.first() {
        if d.focus.stacks_from == Some("postings") {
            outln!("  → --stack {s} (or `mm profile set --stack {s}`) shows another stack's.")?;
        } else {
            outln!("  → --stack {s} (or `mm profile set --stack {s}`) keeps to one stack.")?;
        }
    }
    if let Some(c) = d.countries_marked.first() {
        outln!("  → --country {c} (or `mm profile set --country {c}`) keeps to one country.")?;
    }
    if !d.uncarved.is_empty() {
        let names: Vec<String> = d
            .uncarved
            .iter()
            .map(|c| format!("{} ({:.3})", c.label, c.score))
            .collect();
        outln!(
            "Also ranked, with no micro-skill in the catalogue yet: {}.",
            names.join(", ")
        )?;
        outln!("  Draft one from a skill: mm goal new --from <uri> (see --json for the URIs).")?;
    }
    if explain {
        for g in &d.micro {
            explain_one(&g.candidate)?;
        }
    }
    if !d.arcs.is_empty() {
        outln!()?;
        outln!("Broad competences, as arcs of micro-skills (take one step at a time):")?;
        for RankedSkill {
            candidate: c,
            steps,
            ..
        } in &d.arcs
        {
            let parts: Vec<String> = if steps.is_empty() {
                c.narrower.iter().map(|n| n.label.clone()).collect()
            } else {
                steps
                    .iter()
                    .map(|m| format!("{} [{}]", m.name, m.id))
                    .collect()
            };
            outln!(
                "  {}. {} ({:.3}) → {}",
                c.rank,
                c.label,
                c.score,
                if parts.is_empty() {
                    "(no narrower skills in ESCO)".to_string()
                } else {
                    parts.join(" · ")
                }
            )?;
            if explain {
                explain_one(c)?;
            }
        }
    }
    Ok(())
}

/// The parent's components that speak for it, in one line.
fn parent_evidence(c: &Candidate) -> String {
    let parts: Vec<String> = c
        .components
        .iter()
        .filter(|x| x.value > 0.0)
        .map(|x| format!("{} {:.2}", x.name, x.value))
        .collect();
    if parts.is_empty() {
        "no evidence".into()
    } else {
        parts.join(", ")
    }
}

fn step_rows(t: &mut comfy_table::Table, steps: &[mm_app::steps::MicroStep]) {
    for m in steps {
        let time = match (m.hours, m.weeks) {
            (Some(h), Some(w)) => format!("{h} h / {w} wk"),
            (Some(h), None) => format!("{h} h"),
            _ => String::new(),
        };
        let mut own = m.evidence.join("; ");
        if let Some(g) = m.open_goal {
            own = format!("your goal {g} is on it. {own}");
        }
        let marks: String = m.country.iter().map(|c| format!(" [{c}]")).collect();
        t.add_row(vec![
            m.rank.map(|r| r.to_string()).unwrap_or_default(),
            format!("{}{marks} [{}]", m.name, m.id),
            time,
            if own.is_empty() {
                format!(
                    "{} ({} principles, {} criteria)",
                    m.source, m.principles, m.criteria
                )
            } else {
                own
            },
        ]);
    }
}

fn explain_one(c: &Candidate) -> Result<()> {
    outln!()?;
    outln!("{} — score {:.3}  <{}>", c.label, c.score, c.uri)?;
    for x in &c.components {
        outln!(
            "    {:<9} {:.2} × {:.2} = {:.3}  {}",
            x.name,
            x.value,
            x.weight,
            x.points,
            x.evidence
        )?;
    }
    Ok(())
}

/// For `mm goal new --from <id|rank|uri>`: the micro-skill a suggestion
/// brings (`mm_app::commit::micro_choice`), with the CLI's hints on the
/// errors a person can fix.
pub fn suggested_micro(ctx: &Ctx, from: &str) -> Result<mm_app::goals::MicroChoice> {
    let tax = taxonomy()?;
    ctx.block(mm_app::commit::micro_choice(&ctx.app, &tax, from))
        .map_err(|e| match (e.kind(), e.what(), e.field()) {
            (ErrorKind::NotFound, Some("suggestion list"), _) => anyhow!(
                "no suggestion list yet: run `mm discover --role \"<title>\"` first, or give a skill URI"
            ),
            (ErrorKind::Invalid, _, Some("from"))
                if from.trim().parse::<usize>().is_err()
                    && !e.message().contains("catalogue id") =>
            {
                hinted(e, "find one with `mm taxonomy search`").into()
            }
            _ => e.into(),
        })
}
