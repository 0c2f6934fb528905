//! `mm discover`: the explained ranking of micro-skills for a role.

use crate::Global;
use crate::ctx::Ctx;
use crate::ui::outln;
use anyhow::{Context, Result, bail};
use clap::Args;
use mm_discover::market::{MarketReport, Options};
use mm_discover::rank::{Candidate, Profile, RankOptions, Ranker, Ranking, Role, WEIGHTS};
use mm_discover::titles::TitleFilter;
use mm_taxonomy::extract::Extractor;
use mm_taxonomy::occupations::OccupationIndex;
use mm_taxonomy::{SkillIdx, Taxonomy};

/// Settings key of the person's long-term target role (a JSON string, written
/// by `mm profile set --target-role`).
pub const TARGET_ROLE_KEY: &str = "target_role";
/// Settings key of the last ranking shown, for `mm goal new --from <rank>`.
pub const LAST_RANKING_KEY: &str = "discover_last";

/// Rank high-impact micro-skills for a role, each with the evidence behind it.
///
/// Candidates are the skills ESCO links to the occupation, the skills its
/// ISCO-group peers need, and the O*NET technologies of the matching O*NET
/// occupation. Each score is a weighted sum of visible components (0–1):
///
///   esco 0.25       essential (1) or optional (0.5) for the ESCO occupation
///   peers 0.15      share of same-ISCO-group occupations that need it
///   onet 0.25       O*NET technology used (0.4) + Hot Technology (0.3) +
///                   In Demand (0.3), or an O*NET skill's importance / 5,
///                   averaged over the O*NET occupations with that title
///   market 0.15     share of the role's postings (vs the most asked-for
///                   candidate), ±0.2 for a significant monthly trend,
///                   × n/30 when only n < 30 postings have the role's title
///   closeness 0.10  linked to a skill you hold (ESCO relation, hierarchy,
///                   co-occurrence in postings)
///   micro 0.10      narrow and learnable: skill type, reuse level, number of
///                   narrower skills, number of occupations using it
///
/// Skills you hold (declared with a level, or achieved goals) are left out,
/// and so are skills named like the role itself. Broad competences are
/// listed apart as arcs made of narrower skills linked to the role.
///
/// Postings: only postings whose titles name the role feed the market
/// component, with the count shown; with none, it says "no market evidence".
/// --postings files or folders are analysed now; otherwise the latest saved
/// `mm market analyse --role` result for this role; otherwise the shipped
/// sample of 198 postings. Boilerplate, near-duplicates and non-English
/// postings are left out as in `mm market analyse`.
///
/// The role: --role, --occupation, or the stored target role.
///
/// Examples:
///   mm discover --role "data analyst" --explain
///   mm discover --occupation http://data.europa.eu/esco/occupation/... --top 20
///   mm discover --role "nurse" --postings nhs.jsonl --json
///   mm goal new --from 1        # turn the first suggestion into a goal
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
}

/// The taxonomy skills the person holds: skills declared with a level, and
/// the skills behind achieved goals. Returns (held, achieved).
pub fn held_skills(ctx: &Ctx, tax: &Taxonomy) -> Result<(Vec<SkillIdx>, Vec<SkillIdx>)> {
    let skills = ctx.block(ctx.store.list_skills())?;
    let to_idx = |s: &mm_core::Skill| -> Option<SkillIdx> {
        s.taxonomy_uri
            .as_deref()
            .and_then(|u| tax.skill_by_uri(u))
            .or_else(|| tax.skills_by_label(&s.name).first().copied())
    };
    // Holding a technology covers what it stands for: Excel counts as
    // *use spreadsheets software* too.
    let mut held: Vec<SkillIdx> = skills
        .iter()
        .filter(|s| s.held_level.is_some())
        .filter_map(to_idx)
        .flat_map(|i| tax.covered_by_holding(i))
        .collect();
    let goals = ctx.block(ctx.store.list_goals())?;
    let mut achieved = Vec::new();
    for goal in goals
        .iter()
        .filter(|g| g.state == mm_core::GoalState::Achieved)
    {
        let micro = ctx.block(ctx.store.get_micro_skill(goal.micro_skill_id))?;
        if let Some(s) = skills.iter().find(|s| s.id == micro.skill_id)
            && let Some(i) = to_idx(s)
        {
            achieved.push(i);
        }
    }
    held.extend(&achieved);
    held.sort_unstable();
    held.dedup();
    Ok((held, achieved))
}

/// The role from --role / --occupation / the stored target role.
pub fn pick_role(
    ctx: &Ctx,
    tax: &Taxonomy,
    idx: &OccupationIndex,
    role: Option<&str>,
    occupation: Option<&str>,
) -> Result<Option<Role>> {
    if let Some(o) = occupation {
        return Ok(Some(super::market::resolve(tax, idx, o)?));
    }
    if let Some(r) = role {
        if r.trim().is_empty() {
            bail!("--role is empty: give a job title such as \"data analyst\"");
        }
        return Ok(Some(mm_discover::rank::resolve_role(tax, idx, r)?));
    }
    match ctx.block(ctx.store.get_setting(TARGET_ROLE_KEY))? {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => {
            Ok(Some(super::market::resolve(tax, idx, &s)?))
        }
        _ => Ok(None),
    }
}

/// Where `mm discover` and `mm next` take postings from.
#[derive(Debug, Clone, Default)]
pub struct MarketSource<'a> {
    pub postings: &'a [String],
    pub saved: Option<i64>,
    pub none: bool,
    pub input: Option<&'a super::market::InputArgs>,
    pub honesty: Option<&'a super::market::HonestyArgs>,
}

/// The market data to rank `role` with, and where it came from. Postings
/// are limited to the role's titles; a saved analysis is used only when it
/// was limited to this role.
pub fn pick_market(
    ctx: &Ctx,
    tax: &Taxonomy,
    role: &Role,
    src: &MarketSource<'_>,
) -> Result<Option<(MarketReport, String)>> {
    if src.none {
        return Ok(None);
    }
    let default_input = super::market::InputArgs {
        text_field: "text".into(),
        title_field: "title".into(),
        date_field: "date".into(),
        id_field: "id".into(),
        format: None,
        keep_boilerplate: false,
    };
    let input = src.input.unwrap_or(&default_input);
    let mut opts = Options {
        titles: Some(TitleFilter::for_role(tax, role)),
        ..Options::default()
    };
    if let Some(h) = src.honesty {
        h.apply(input, &mut opts);
    } else {
        opts.keep_boilerplate = input.keep_boilerplate;
    }
    if !src.postings.is_empty() {
        let ex = Extractor::new(tax);
        let (counts, skipped) = super::market::count_files(&ex, src.postings, input, &opts)?;
        let rep = counts.report(tax, &opts, 3);
        let read = counts.postings + counts.off_role + counts.untitled + counts.duplicates;
        if read == 0 && counts.foreign.is_empty() {
            bail!(
                "no postings to analyse in {}{}",
                src.postings.join(", "),
                if skipped > 0 {
                    format!(" ({skipped} unusable row(s) skipped)")
                } else {
                    String::new()
                }
            );
        }
        return Ok(Some((rep, src.postings.join(", "))));
    }
    let key = mm_discover::rank::role_key(role);
    let saved = match src.saved {
        Some(id) => Some(ctx.block(ctx.store.get_market(id))?),
        None => ctx.block(ctx.store.latest_market())?,
    };
    let mut note = String::new();
    if let Some(m) = saved {
        let rep: MarketReport = serde_json::from_value(m.report)
            .with_context(|| format!("saved market analysis {} is unreadable", m.id))?;
        match &rep.title_filter {
            Some(t) if t.key == key => {
                return Ok(Some((rep, format!("saved analysis {}: {}", m.id, m.name))));
            }
            // An explicit --market is used as given: the ranking says
            // why it carries no evidence for this role.
            _ if src.saved.is_some() => {
                return Ok(Some((rep, format!("saved analysis {}: {}", m.id, m.name))));
            }
            _ => {
                note = format!(
                    " (the latest saved analysis, {}, is not limited to this role's titles: `mm market analyse FILES --role \"{}\"` makes one)",
                    m.id,
                    role.title()
                );
            }
        }
    }
    let ex = Extractor::new(tax);
    let rep = mm_discover::sample::count(&ex, &opts)?.report(tax, &opts, 3);
    Ok(Some((rep, format!("{}{note}", mm_discover::sample::NAME))))
}

/// Postings for a question about no role in particular: the latest saved
/// analysis, else the shipped sample (boilerplate, duplicates and
/// non-English postings left out).
pub fn pick_market_any(ctx: &Ctx, tax: &Taxonomy) -> Result<Option<(MarketReport, String)>> {
    if let Some(m) = ctx.block(ctx.store.latest_market())? {
        let rep: MarketReport = serde_json::from_value(m.report)
            .with_context(|| format!("saved market analysis {} is unreadable", m.id))?;
        return Ok(Some((rep, format!("saved analysis {}: {}", m.id, m.name))));
    }
    let opts = Options::default();
    let ex = Extractor::new(tax);
    let rep = mm_discover::sample::count(&ex, &opts)?.report(tax, &opts, 3);
    Ok(Some((rep, mm_discover::sample::NAME.to_string())))
}

pub fn run(a: DiscoverArgs, g: &Global) -> Result<()> {
    let ctx = Ctx::open(g)?;
    let tax = Taxonomy::load_embedded().context("loading the shipped taxonomy")?;
    let idx = OccupationIndex::new(&tax);
    let Some(role) = pick_role(&ctx, &tax, &idx, a.role.as_deref(), a.occupation.as_deref())?
    else {
        bail!(
            "which role? Give --role \"<job title>\" or --occupation <uri>, or store a target role with `mm profile set --target-role \"<title>\"`"
        );
    };
    let market = pick_market(
        &ctx,
        &tax,
        &role,
        &MarketSource {
            postings: &a.postings,
            saved: a.market,
            none: a.no_market,
            input: Some(&a.input),
            honesty: Some(&a.honesty),
        },
    )?;
    let (held, _) = held_skills(&ctx, &tax)?;
    let ranker = Ranker::new(&tax);
    let mut ranking = ranker.rank(
        &role,
        &Profile { held },
        market.as_ref().map(|m| &m.0),
        RankOptions::default(),
    );
    if ranking.micro.is_empty() && ranking.arcs.is_empty() {
        bail!(
            "no candidate skills for {}: the taxonomy links no skills to it",
            role.title()
        );
    }
    ranking.micro.truncate(a.top);
    ranking.arcs.truncate(a.arcs);
    // Remember the list so `mm goal new --from <rank>` can refer to it.
    let last = serde_json::json!({
        "role": role.esco_uri.clone().or(role.onet_occupations.first().map(|o| o.code.clone())),
        "micro": ranking.micro.iter().map(|c| c.uri.clone()).collect::<Vec<_>>(),
    });
    ctx.block(ctx.store.set_setting(LAST_RANKING_KEY, &last))?;
    if g.json {
        let mut v = serde_json::to_value(&ranking)?;
        v["market_source"] = market.as_ref().map(|m| m.1.clone()).into();
        super::catalogue::annotate_ranking(&mut v);
        if let Some((rep, _)) = &market {
            v["market_scope"] = serde_json::json!({
                "matched": rep.postings,
                "title_filter": rep.title_filter,
                "duplicates": rep.duplicates,
                "non_english": rep.non_english,
                "warnings": rep.warnings,
            });
        }
        return crate::ctx::print_json(&v);
    }
    print_ranking(&ranking, market.as_ref(), a.explain)?;
    super::catalogue::print_for_ranking(&ranking)?;
    Ok(())
}

/// One line on which postings fed the market component.
fn market_line(r: &Ranking, market: Option<&(MarketReport, String)>) -> String {
    let Some((rep, source)) = market else {
        return "Postings: none (--no-market)".into();
    };
    let mut line = match &rep.title_filter {
        Some(t) => format!(
            "Postings: {source}: {} with a title of {}{}",
            rep.postings,
            t.role,
            {
                let other = rep.exclusions();
                if other.is_empty() {
                    String::new()
                } else {
                    format!(" (left out: {other})")
                }
            }
        ),
        None => format!("Postings: {source} ({} postings)", rep.postings),
    };
    if let Some(n) = &r.market_note {
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

fn comp(c: &Candidate, name: &str) -> String {
    c.components
        .iter()
        .find(|x| x.name == name)
        .map_or(String::new(), |x| format!("{:.2}", x.value))
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

fn print_ranking(
    r: &Ranking,
    market: Option<&(MarketReport, String)>,
    explain: bool,
) -> anyhow::Result<()> {
    outln!("Role: {}", role_line(&r.role))?;
    for l in choice_lines(&r.role) {
        outln!("{l}")?;
    }
    outln!("{}", market_line(r, market))?;
    if r.held_skipped > 0 {
        outln!(
            "Left out: {} candidate skill(s) you already hold.",
            r.held_skipped
        )?;
    }
    if r.role_named_skipped > 0 {
        outln!(
            "Left out: {} skill(s) named like the role itself.",
            r.role_named_skipped
        )?;
    }
    let weights: Vec<String> = WEIGHTS.iter().map(|(n, w)| format!("{n} {w:.2}")).collect();
    outln!("Score = Σ component × weight ({}).", weights.join(", "))?;
    outln!()?;
    outln!("Micro-skills to learn (narrow, concrete; `mm goal new --from <#>` to commit):")?;
    let mut t = crate::ui::table([
        "#", "skill", "type", "score", "esco", "peers", "onet", "market", "close", "micro",
    ]);
    for c in &r.micro {
        t.add_row(vec![
            c.rank.to_string(),
            c.label.clone(),
            c.skill_type.clone(),
            format!("{:.3}", c.score),
            comp(c, "esco"),
            comp(c, "peers"),
            comp(c, "onet"),
            comp(c, "market"),
            comp(c, "closeness"),
            comp(c, "micro"),
        ]);
    }
    outln!("{t}")?;
    if explain {
        for c in &r.micro {
            explain_one(c)?;
        }
    }
    if !r.arcs.is_empty() {
        outln!()?;
        outln!("Broad competences, as arcs of narrower skills (take one step at a time):")?;
        for c in &r.arcs {
            let steps: Vec<&str> = c.narrower.iter().map(|n| n.label.as_str()).collect();
            outln!(
                "  {}. {} ({:.3}) → {}",
                c.rank,
                c.label,
                c.score,
                if steps.is_empty() {
                    "(no narrower skills in ESCO)".to_string()
                } else {
                    steps.join(" · ")
                }
            )?;
            if explain {
                explain_one(c)?;
            }
        }
    }
    Ok(())
}

fn explain_one(c: &Candidate) -> anyhow::Result<()> {
    outln!()?;
    outln!(
        "#{} {} — score {:.3}  <{}>",
        c.rank,
        c.label,
        c.score,
        c.uri
    )?;
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

/// For `mm goal new --from <rank|uri>`: the ESCO skill URI a rank of the last
/// `mm discover` list (or a URI) names; `mm_app::goals::new_goal` drafts the
/// micro-skill from it.
pub fn suggested_uri(ctx: &Ctx, from: &str) -> Result<String> {
    let tax = Taxonomy::load_embedded().context("loading the shipped taxonomy")?;
    let from = from.trim();
    if let Ok(rank) = from.parse::<usize>() {
        let last = ctx.block(ctx.store.get_setting(LAST_RANKING_KEY))?.context(
            "no suggestion list yet: run `mm discover --role \"<title>\"` first, or give a skill URI",
        )?;
        let list: Vec<String> = serde_json::from_value(last["micro"].clone()).unwrap_or_default();
        if rank == 0 || rank > list.len() {
            bail!(
                "the last `mm discover` list has {} suggestion(s); --from {rank} is not one of them",
                list.len()
            );
        }
        tax.skill_by_uri(&list[rank - 1])
            .with_context(|| format!("skill {} is no longer in the taxonomy", list[rank - 1]))?;
        return Ok(list[rank - 1].clone());
    }
    match tax.skill_by_uri(from) {
        Some(_) => Ok(from.to_owned()),
        None => bail!(
            "{from:?} is neither a rank from the last `mm discover` list nor an ESCO skill URI (find one with `mm taxonomy search`)"
        ),
    }
}
