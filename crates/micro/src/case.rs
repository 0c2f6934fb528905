//! CASE 1.1 (1EdTech Competencies and Academic Standards Exchange):
//! micro-skills out as a CFPackage, and a CFPackage in as micro-skills.
//!
//! Export lays a package out as a CASE tool expects:
//!
//! - one *parent concept* item per ESCO skill or O*NET concept, `isChildOf`
//!   the document, with an `exactMatchOf` association to the ESCO URI;
//! - one *micro-skill* item per micro-skill (`humanCodingScheme` = its id),
//!   `isChildOf` each of its parents in order;
//! - one *principle* and one *done-when criterion* item per principle and
//!   criterion, `isChildOf` the micro-skill, ordered by `sequenceNumber`;
//! - prerequisites as `precedes` (the prerequisite precedes the micro-skill)
//!   and next steps as the extension type `ext:mm.next`;
//! - what CASE has no field for (hours, weeks, Dreyfus target, source, area,
//!   share, evidence, resources) in the item's `extensions` under `mm:` keys.
//!
//! Identifiers are UUID v5 of the item's key, so exporting the same
//! catalogue twice gives the same package, and [`import`] of an [`export`]
//! gives back the same micro-skills. Import is lenient: CASE 1.0-era
//! packages (string `sequenceNumber`s, extra fields) load too, and a foreign
//! framework's items become micro-skills with their statement as the name,
//! their broader item as a principle and their children or statement as
//! criteria.

use crate::error::{Error, Result};
use crate::model::{
    CatalogueMicroSkill, ESCO_PREFIX, ParentRef, Principle, Resource, Source, is_slug, slug,
};
use mm_core::Level;
use serde_json::{Map, Value, json};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// CFItemType of a micro-skill item.
pub const TYPE_MICRO: &str = "Micro-skill";
/// CFItemType of a parent concept item.
pub const TYPE_PARENT: &str = "Parent concept";
/// CFItemType of a principle item.
pub const TYPE_PRINCIPLE: &str = "Principle";
/// CFItemType of a done-when criterion item.
pub const TYPE_CRITERION: &str = "Done-when criterion";
/// Association type of a suggested next step.
pub const ASSOC_NEXT: &str = "ext:mm.next";

/// What the package says about itself.
#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub title: String,
    pub creator: String,
    /// Base of every `uri` in the package (no trailing slash).
    pub base_uri: String,
    /// `lastChangeDateTime` of every record (RFC 3339 with a zone).
    pub last_change: String,
}

impl Default for ExportOptions {
    fn default() -> Self {
        ExportOptions {
            title: "Micromastery micro-skills".into(),
            creator: "Micromastery".into(),
            base_uri: "https://micromastery.github.io/case/v1p1".into(),
            last_change: "2026-01-01T00:00:00+00:00".into(),
        }
    }
}

struct Builder<'a> {
    o: &'a ExportOptions,
    items: Vec<Value>,
    assocs: Vec<Value>,
    types: HashMap<&'static str, Value>,
}

impl Builder<'_> {
    fn uuid(&self, key: &str) -> String {
        Uuid::new_v5(
            &Uuid::NAMESPACE_URL,
            format!("{}#{key}", self.o.base_uri).as_bytes(),
        )
        .to_string()
    }

    fn link(&self, kind: &str, key: &str, title: &str) -> Value {
        let id = self.uuid(key);
        json!({ "title": title, "identifier": id, "uri": format!("{}/{kind}/{id}", self.o.base_uri) })
    }

    fn item_type(&mut self, t: &'static str) -> Value {
        let key = format!("type/{t}");
        let link = self.link("CFItemTypes", &key, t);
        self.types.entry(t).or_insert_with(|| {
            json!({
                "identifier": link["identifier"],
                "uri": link["uri"],
                "title": t,
                "description": format!("Micromastery {t}"),
                "hierarchyCode": t.to_lowercase().replace(' ', "-"),
                "lastChangeDateTime": self.o.last_change,
            })
        });
        link
    }

    fn item(
        &mut self,
        key: &str,
        t: &'static str,
        statement: &str,
        extra: Map<String, Value>,
    ) -> Value {
        let link = self.link("CFItems", key, statement);
        let ty = self.item_type(t);
        let mut it = Map::new();
        it.insert("identifier".into(), link["identifier"].clone());
        it.insert("uri".into(), link["uri"].clone());
        it.insert("fullStatement".into(), statement.into());
        it.insert("CFItemType".into(), t.into());
        it.insert("CFItemTypeURI".into(), ty);
        it.insert("language".into(), "en".into());
        it.insert(
            "lastChangeDateTime".into(),
            self.o.last_change.clone().into(),
        );
        it.extend(extra);
        self.items.push(Value::Object(it));
        link
    }

    fn assoc(&mut self, ty: &str, origin: &Value, dest: &Value, seq: Option<usize>) {
        let key = format!(
            "assoc/{ty}/{}/{}",
            origin["identifier"].as_str().unwrap_or(""),
            dest["identifier"].as_str().unwrap_or("")
        );
        let link = self.link("CFAssociations", &key, ty);
        let mut a = json!({
            "identifier": link["identifier"],
            "uri": link["uri"],
            "associationType": ty,
            "originNodeURI": origin,
            "destinationNodeURI": dest,
            "lastChangeDateTime": self.o.last_change,
        });
        if let Some(s) = seq {
            a["sequenceNumber"] = json!(s);
        }
        self.assocs.push(a);
    }
}

fn micro_key(id: &str) -> String {
    format!("micro/{id}")
}

/// Export micro-skills as a CASE 1.1 CFPackage. `label` names a parent
/// concept (the ESCO preferred label, say) for its item's statement.
pub fn export(
    skills: &[&CatalogueMicroSkill],
    opts: &ExportOptions,
    label: impl Fn(&ParentRef) -> String,
) -> Value {
    let mut b = Builder {
        o: opts,
        items: Vec::new(),
        assocs: Vec::new(),
        types: HashMap::new(),
    };
    let doc = b.link("CFDocuments", "document", &opts.title);
    let mut parent_links: HashMap<String, Value> = HashMap::new();
    for m in skills {
        for p in &m.parents {
            let key = p.to_string();
            if parent_links.contains_key(&key) {
                continue;
            }
            let mut extra = Map::new();
            extra.insert("humanCodingScheme".into(), key.clone().into());
            let name = label(p);
            let l = b.item(&format!("parent/{key}"), TYPE_PARENT, &name, extra);
            b.assoc("isChildOf", &l, &doc, None);
            if let ParentRef::Esco(uri) = p {
                let esco = json!({ "title": name, "identifier": uri, "uri": uri });
                b.assoc("exactMatchOf", &l, &esco, None);
            }
            parent_links.insert(key, l);
        }
    }
    for m in skills {
        let mut ext = Map::new();
        if !m.area.is_empty() {
            ext.insert("mm:area".into(), m.area.clone().into());
        }
        for (key, list) in [
            ("mm:isco", &m.isco),
            ("mm:coreFor", &m.core_for),
            ("mm:country", &m.country),
            ("mm:stack", &m.stack),
        ] {
            if !list.is_empty() {
                ext.insert(key.into(), list.clone().into());
            }
        }
        if let Some(h) = m.hours {
            ext.insert("mm:hours".into(), h.into());
        }
        if let Some(w) = m.weeks {
            ext.insert("mm:weeks".into(), w.into());
        }
        ext.insert("mm:dreyfus".into(), m.dreyfus.number().into());
        ext.insert("mm:source".into(), m.source.as_str().into());
        if let Some(s) = m.share {
            ext.insert("mm:share".into(), s.into());
        }
        if let Some(e) = &m.evidence {
            ext.insert("mm:evidence".into(), e.clone().into());
        }
        if !m.resources.is_empty() {
            ext.insert(
                "mm:resources".into(),
                serde_json::to_value(&m.resources).unwrap_or_default(),
            );
        }
        let mut extra = Map::new();
        extra.insert("humanCodingScheme".into(), m.id.clone().into());
        extra.insert("extensions".into(), Value::Object(ext));
        let me = b.item(&micro_key(&m.id), TYPE_MICRO, &m.name, extra);
        if m.parents.is_empty() {
            b.assoc("isChildOf", &me, &doc, None);
        }
        for (i, p) in m.parents.iter().enumerate() {
            let pl = parent_links[&p.to_string()].clone();
            b.assoc("isChildOf", &me, &pl, Some(i + 1));
        }
        for (i, p) in m.principles.iter().enumerate() {
            let mut extra = Map::new();
            extra.insert(
                "humanCodingScheme".into(),
                format!("{}/principle/{}", m.id, i + 1).into(),
            );
            if let Some(d) = &p.description {
                extra.insert("notes".into(), d.clone().into());
            }
            let l = b.item(
                &format!("principle/{}/{i}", m.id),
                TYPE_PRINCIPLE,
                &p.name,
                extra,
            );
            b.assoc("isChildOf", &l, &me, Some(i + 1));
        }
        for (i, c) in m.done_when.iter().enumerate() {
            let mut extra = Map::new();
            extra.insert(
                "humanCodingScheme".into(),
                format!("{}/done-when/{}", m.id, i + 1).into(),
            );
            let l = b.item(&format!("criterion/{}/{i}", m.id), TYPE_CRITERION, c, extra);
            b.assoc("isChildOf", &l, &me, Some(i + 1));
        }
        for (i, p) in m.prerequisites.iter().enumerate() {
            let pl = b.link("CFItems", &micro_key(p), p);
            b.assoc("precedes", &pl, &me, Some(i + 1));
        }
        for (i, n) in m.next.iter().enumerate() {
            let nl = b.link("CFItems", &micro_key(n), n);
            b.assoc(ASSOC_NEXT, &me, &nl, Some(i + 1));
        }
    }
    let mut types: Vec<Value> = b.types.into_values().collect();
    types.sort_by(|a, b| a["title"].as_str().cmp(&b["title"].as_str()));
    json!({
        "CFDocument": {
            "identifier": doc["identifier"],
            "uri": doc["uri"],
            "creator": opts.creator,
            "title": opts.title,
            "caseVersion": "1.1",
            "language": "en",
            "description": "Micro-skills: narrow, observable capabilities with their principles and done-when criteria, linked to ESCO.",
            "lastChangeDateTime": opts.last_change,
        },
        "CFItems": b.items,
        "CFAssociations": b.assocs,
        "CFDefinitions": { "CFItemTypes": types },
    })
}

fn text(v: &Value, k: &str) -> Option<String> {
    v.get(k)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn seq(a: &Value) -> i64 {
    match a.get("sequenceNumber") {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

fn node_id(v: &Value) -> Option<String> {
    v.get("identifier")
        .and_then(Value::as_str)
        .map(str::to_string)
}

/// Read a CFPackage (CASE 1.1, or a lenient 1.0-era export) as micro-skills.
///
/// # Errors
/// [`Error::Json`] when it is not JSON; [`Error::Invalid`] when it has no
/// `CFDocument` or `CFItems`, or a micro-skill item lacks a statement.
pub fn import(json_text: &str) -> Result<Vec<CatalogueMicroSkill>> {
    let v: Value = serde_json::from_str(json_text).map_err(|source| Error::Json {
        place: "CFPackage".into(),
        source,
    })?;
    if !v.get("CFDocument").is_some_and(Value::is_object) {
        return Err(Error::invalid(
            "CFPackage",
            "no CFDocument: this is not a CASE package (expected {\"CFDocument\": …, \"CFItems\": […]})",
        ));
    }
    let items: Vec<&Value> = v
        .get("CFItems")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .ok_or_else(|| Error::invalid("CFPackage", "no CFItems list"))?;
    let assocs: Vec<&Value> = v
        .get("CFAssociations")
        .and_then(Value::as_array)
        .map(|a| a.iter().collect())
        .unwrap_or_default();
    let by_id: HashMap<String, &Value> = items
        .iter()
        .filter_map(|i| node_id(i).map(|id| (id, *i)))
        .collect();
    let ty = |i: &Value| text(i, "CFItemType").unwrap_or_default();
    let ours = items.iter().any(|i| ty(i) == TYPE_MICRO);
    let is_micro = |i: &Value| {
        let t = ty(i);
        if ours {
            t == TYPE_MICRO
        } else {
            t != TYPE_PARENT && t != TYPE_PRINCIPLE && t != TYPE_CRITERION
        }
    };
    // Associations by type, as (origin id, destination node, seq).
    let of = |t: &str| -> Vec<(String, String, &Value, i64)> {
        assocs
            .iter()
            .filter(|a| text(a, "associationType").as_deref() == Some(t))
            .filter_map(|a| {
                let o = a.get("originNodeURI")?;
                let d = a.get("destinationNodeURI")?;
                Some((node_id(o)?, node_id(d)?, d, seq(a)))
            })
            .collect()
    };
    let child_of = of("isChildOf");
    let exact = of("exactMatchOf");
    let precedes = of("precedes");
    let next = of(ASSOC_NEXT);

    // Ids: our own humanCodingScheme when it is a slug, else a slug of it or
    // of the statement, made unique.
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut taken: HashSet<String> = HashSet::new();
    for i in items.iter().filter(|i| is_micro(i)) {
        let Some(uid) = node_id(i) else { continue };
        let hcs = text(i, "humanCodingScheme");
        let base = match &hcs {
            Some(h) if is_slug(h) => h.clone(),
            Some(h) => slug(h),
            None => slug(&text(i, "fullStatement").unwrap_or_default()),
        };
        let mut id = base.clone();
        let mut n = 2;
        while !taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        ids.insert(uid, id);
    }
    let mm_id = |node: &str, dn: &Value| -> String {
        ids.get(node)
            .cloned()
            .or_else(|| text(dn, "title"))
            .unwrap_or_else(|| node.to_string())
    };

    let mut out = Vec::new();
    for i in items.iter().filter(|i| is_micro(i)) {
        let Some(uid) = node_id(i) else { continue };
        let id = ids[&uid].clone();
        let name = text(i, "fullStatement").ok_or_else(|| {
            Error::invalid("CFPackage", format!("item {uid} has no fullStatement"))
        })?;
        let ext = i.get("extensions").cloned().unwrap_or(Value::Null);
        let children = |t: &str| -> Vec<&Value> {
            let mut c: Vec<(i64, &Value)> = child_of
                .iter()
                .filter(|(_, d, _, _)| *d == uid)
                .filter_map(|(o, _, _, s)| by_id.get(o).map(|it| (*s, *it)))
                .filter(|(_, it)| ty(it) == t)
                .collect();
            c.sort_by_key(|x| x.0);
            c.into_iter().map(|x| x.1).collect()
        };
        let mut principles: Vec<Principle> = children(TYPE_PRINCIPLE)
            .into_iter()
            .map(|p| Principle {
                name: text(p, "fullStatement").unwrap_or_default(),
                description: text(p, "notes"),
            })
            .collect();
        let mut done_when: Vec<String> = children(TYPE_CRITERION)
            .into_iter()
            .filter_map(|c| text(c, "fullStatement"))
            .collect();
        // Parents: our parent items in order; ESCO exact matches of the item.
        let mut ups: Vec<(i64, &Value)> = child_of
            .iter()
            .filter(|(o, _, _, _)| *o == uid)
            .filter_map(|(_, d, _, s)| by_id.get(d).map(|it| (*s, *it)))
            .collect();
        ups.sort_by_key(|x| x.0);
        let mut parents: Vec<ParentRef> = Vec::new();
        for (_, up) in &ups {
            if ty(up) == TYPE_PARENT {
                if let Some(p) = text(up, "humanCodingScheme").and_then(|h| ParentRef::parse(&h)) {
                    parents.push(p);
                }
            } else if !ours
                && principles.is_empty()
                && let Some(s) = text(up, "fullStatement")
            {
                principles.push(Principle {
                    name: s,
                    description: Some("the broader standard this item belongs to".into()),
                });
            }
        }
        for (o, d, _, _) in &exact {
            if *o == uid && d.starts_with(ESCO_PREFIX) {
                let p = ParentRef::Esco(d.clone());
                if !parents.contains(&p) {
                    parents.push(p);
                }
            }
        }
        if !ours && done_when.is_empty() {
            let kids: Vec<String> = child_of
                .iter()
                .filter(|(_, d, _, _)| *d == uid)
                .filter_map(|(o, _, _, _)| by_id.get(o).and_then(|it| text(it, "fullStatement")))
                .take(4)
                .collect();
            if kids.len() >= 2 {
                done_when = kids
                    .into_iter()
                    .map(|k| format!("Demonstrate: {k}"))
                    .collect();
            } else {
                done_when.push(format!("Demonstrate: {name}"));
            }
        }
        let mut pre: Vec<(i64, String)> = precedes
            .iter()
            .filter(|(_, d, _, _)| *d == uid)
            .map(|(o, _, _, s)| {
                let on = assocs
                    .iter()
                    .find_map(|a| {
                        let on = a.get("originNodeURI")?;
                        (node_id(on).as_deref() == Some(o.as_str())).then_some(on)
                    })
                    .unwrap_or(&Value::Null);
                (*s, mm_id(o, on))
            })
            .collect();
        pre.sort_by_key(|x| x.0);
        let mut nx: Vec<(i64, String)> = next
            .iter()
            .filter(|(o, _, _, _)| *o == uid)
            .map(|(_, d, dn, s)| (*s, mm_id(d, dn)))
            .collect();
        nx.sort_by_key(|x| x.0);
        let get_u32 = |k: &str| ext.get(k).and_then(Value::as_u64).map(|n| n as u32);
        let strings = |k: &str| -> Vec<String> {
            ext.get(k)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default()
        };
        out.push(CatalogueMicroSkill {
            id,
            name,
            area: ext
                .get("mm:area")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string(),
            isco: strings("mm:isco"),
            core_for: strings("mm:coreFor"),
            country: strings("mm:country"),
            stack: strings("mm:stack"),
            parents,
            principles,
            done_when,
            hours: get_u32("mm:hours"),
            weeks: get_u32("mm:weeks"),
            dreyfus: get_u32("mm:dreyfus")
                .and_then(|n| Level::try_from(n as u8).ok())
                .unwrap_or(Level::Competent),
            prerequisites: pre.into_iter().map(|x| x.1).collect(),
            next: nx.into_iter().map(|x| x.1).collect(),
            resources: ext
                .get("mm:resources")
                .and_then(|r| serde_json::from_value::<Vec<Resource>>(r.clone()).ok())
                .unwrap_or_default(),
            source: ext
                .get("mm:source")
                .and_then(Value::as_str)
                .and_then(|s| s.parse().ok())
                .unwrap_or(Source::Case),
            share: ext.get("mm:share").and_then(Value::as_f64),
            evidence: ext
                .get("mm:evidence")
                .and_then(Value::as_str)
                .map(str::to_string),
        });
    }
    Ok(out)
}
