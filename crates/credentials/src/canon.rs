//! JSON-LD → RDF → RDFC-1.0 canonical N-Quads, with contexts loaded only from
//! the files shipped in `assets/contexts` (never fetched).
//!
//! Expansion runs in *safe mode*: a term no context defines is an error, not a
//! silently dropped property. Without that, anything added to a signed
//! credential under an undefined name would slip past the signature, and
//! Digital Bazaar's verifier (which runs in safe mode) would disagree with us.

use crate::Error;
use iref::IriBuf;
use json_ld::{JsonLdProcessor, Options, RemoteDocument};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A JSON-LD context the product ships: its URL and its exact bytes.
#[derive(Debug, Clone, Copy)]
pub struct ShippedContext {
    /// The URL credentials use to name it.
    pub url: &'static str,
    /// The file's content, byte for byte as vendored.
    pub body: &'static str,
}

/// Every context we can process (copied unmodified from
/// `shared/standards/vc-contexts`, whose README and licences ship beside them
/// in `assets/vc-contexts`). Anything else is an "unsupported context".
pub const CONTEXTS: &[ShippedContext] = &[
    ShippedContext {
        url: "https://www.w3.org/2018/credentials/v1",
        body: include_str!("../assets/vc-contexts/www.w3.org_2018_credentials_v1.jsonld"),
    },
    ShippedContext {
        url: "https://www.w3.org/ns/credentials/v2",
        body: include_str!("../assets/vc-contexts/www.w3.org_ns_credentials_v2.jsonld"),
    },
    ShippedContext {
        url: "https://www.w3.org/2018/credentials/examples/v1",
        body: include_str!("../assets/vc-contexts/www.w3.org_2018_credentials_examples_v1.jsonld"),
    },
    ShippedContext {
        url: "https://www.w3.org/ns/credentials/status/v1",
        body: include_str!("../assets/vc-contexts/www.w3.org_ns_credentials_status_v1.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/vc/status-list/2021/v1",
        body: include_str!("../assets/vc-contexts/w3id.org_vc_status-list_2021_v1.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/security/suites/ed25519-2020/v1",
        body: include_str!("../assets/vc-contexts/w3id.org_security_suites_ed25519-2020_v1.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/security/suites/ed25519-2018/v1",
        body: include_str!("../assets/vc-contexts/w3id.org_security_suites_ed25519-2018_v1.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/security/data-integrity/v1",
        body: include_str!("../assets/vc-contexts/w3id.org_security_data-integrity_v1.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/security/data-integrity/v2",
        body: include_str!("../assets/vc-contexts/w3id.org_security_data-integrity_v2.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/security/multikey/v1",
        body: include_str!("../assets/vc-contexts/w3id.org_security_multikey_v1.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/security/v1",
        body: include_str!("../assets/vc-contexts/w3id.org_security_v1.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/security/v2",
        body: include_str!("../assets/vc-contexts/w3id.org_security_v2.jsonld"),
    },
    ShippedContext {
        url: "https://www.w3.org/ns/did/v1",
        body: include_str!("../assets/vc-contexts/www.w3.org_ns_did_v1.jsonld"),
    },
    ShippedContext {
        url: "https://w3id.org/dcc/v1",
        body: include_str!("../assets/vc-contexts/w3id.org_dcc_v1.jsonld"),
    },
    ShippedContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/context.json",
        body: include_str!("../assets/vc-contexts/purl.imsglobal.org_spec_ob_v3p0_context.json"),
    },
    ShippedContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.1.json",
        body: include_str!(
            "../assets/vc-contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.1.json"
        ),
    },
    ShippedContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.2.json",
        body: include_str!(
            "../assets/vc-contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.2.json"
        ),
    },
    ShippedContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
        body: include_str!(
            "../assets/vc-contexts/purl.imsglobal.org_spec_ob_v3p0_context-3.0.3.json"
        ),
    },
    ShippedContext {
        url: "https://purl.imsglobal.org/spec/ob/v3p0/extensions.json",
        body: include_str!("../assets/vc-contexts/purl.imsglobal.org_spec_ob_v3p0_extensions.json"),
    },
    ShippedContext {
        url: "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
        body: include_str!(
            "../assets/vc-contexts/purl.imsglobal.org_spec_clr_v2p0_context-2.0.1.json"
        ),
    },
    ShippedContext {
        url: "https://purl.imsglobal.org/spec/clr/v2p0/context.json",
        body: include_str!("../assets/vc-contexts/purl.imsglobal.org_spec_clr_v2p0_context.json"),
    },
    ShippedContext {
        url: "https://w3id.org/security/suites/x25519-2020/v1",
        body: include_str!("../assets/vc-contexts/w3id.org_security_suites_x25519-2020_v1.jsonld"),
    },
    ShippedContext {
        url: "https://w3c-ccg.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json",
        body: include_str!(
            "../assets/vc-contexts/w3c-ccg.github.io_vc-ed_plugfest-1-2022_jff-vc-edu-plugfest-1-context.json"
        ),
    },
    ShippedContext {
        url: "https://kayaelle.github.io/vc-ed/plugfest-1-2022/jff-vc-edu-plugfest-1-context.json",
        body: include_str!(
            "../assets/vc-contexts/w3c-ccg.github.io_vc-ed_plugfest-1-2022_jff-vc-edu-plugfest-1-context.json"
        ),
    },
];

/// Whether `url` names a context we ship.
pub fn is_known_context(url: &str) -> bool {
    CONTEXTS.iter().any(|c| c.url == url)
}

fn loader() -> &'static HashMap<IriBuf, RemoteDocument> {
    static LOADER: OnceLock<HashMap<IriBuf, RemoteDocument>> = OnceLock::new();
    LOADER.get_or_init(|| {
        CONTEXTS
            .iter()
            .map(|c| {
                let iri = IriBuf::new(c.url.to_owned()).expect("shipped context URL is an IRI");
                let (value, _) = <json_syntax::Value as json_syntax::Parse>::parse_str(c.body)
                    .expect("shipped context is JSON");
                (iri.clone(), RemoteDocument::new(Some(iri), None, value))
            })
            .collect()
    })
}

/// Checks that every `@context` entry (top level) is a URL we ship.
fn check_contexts(doc: &serde_json::Value) -> Result<(), Error> {
    let Some(ctx) = doc.get("@context") else {
        return Err(Error::Invalid("the document has no @context".into()));
    };
    let entries: Vec<&serde_json::Value> = match ctx {
        serde_json::Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    for e in entries {
        match e.as_str() {
            Some(url) if is_known_context(url) => {}
            Some(url) => {
                return Err(Error::Unsupported(format!(
                    "JSON-LD context {url} is not one we ship (contexts are never fetched)"
                )));
            }
            None => {
                return Err(Error::Unsupported(
                    "embedded (inline) JSON-LD contexts are not processed".into(),
                ));
            }
        }
    }
    Ok(())
}

/// Canonical N-Quads (RDFC-1.0) of a JSON-LD document.
///
/// # Errors
/// [`Error::Unsupported`] when a context is unknown or inline;
/// [`Error::Invalid`] when a term is not
/// defined by any context (safe mode), or when expansion fails.
pub fn canonical_nquads(doc: &serde_json::Value) -> Result<String, Error> {
    check_contexts(doc)?;
    check_percent_escapes(doc)?;
    let value = json_syntax::Value::from_serde_json(doc.clone());
    let input = RemoteDocument::new(None::<IriBuf>, None, value);
    let options: Options<IriBuf> = Options {
        expansion_policy: json_ld::expansion::Policy {
            invalid: json_ld::expansion::Action::Reject,
            vocab: json_ld::expansion::Action::Keep,
            allow_undefined: false,
        },
        ..Options::default()
    };
    let mut generator = rdf_types::generator::Blank::new();
    // The JSON-LD processor panics (an unwrap in pct-str) on an IRI whose
    // percent-encoding decodes to bytes that are not UTF-8: a one-byte
    // tampering can do that, so the panic is caught and the document refused.
    let mut rdf = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        futures::executor::block_on(input.to_rdf_using(&mut generator, loader(), options))
    }))
    .map_err(|_| {
        Error::Invalid(
            "JSON-LD processing failed: an IRI's percent-encoding does not decode to UTF-8".into(),
        )
    })?
    .map_err(|e| Error::Invalid(format!("JSON-LD processing failed: {e}")))?;
    let mut quads = Vec::new();
    for q in rdf.cloned_quads() {
        let rdf_types::Quad(s, p, o, g) = q;
        let subject: oxrdf::Subject = match id_to_ox(s)? {
            oxrdf::NamedOrBlankNode::NamedNode(n) => n.into(),
            oxrdf::NamedOrBlankNode::BlankNode(b) => b.into(),
        };
        let predicate = match id_to_ox(p)? {
            oxrdf::NamedOrBlankNode::NamedNode(n) => n,
            oxrdf::NamedOrBlankNode::BlankNode(_) => {
                return Err(Error::Invalid("blank node used as a predicate".into()));
            }
        };
        let object: oxrdf::Term = match o {
            rdf_types::Term::Id(id) => match id_to_ox(id)? {
                oxrdf::NamedOrBlankNode::NamedNode(n) => n.into(),
                oxrdf::NamedOrBlankNode::BlankNode(b) => b.into(),
            },
            rdf_types::Term::Literal(l) => literal_to_ox(l)?.into(),
        };
        let graph = match g {
            None => oxrdf::GraphName::DefaultGraph,
            Some(id) => match id_to_ox(id)? {
                oxrdf::NamedOrBlankNode::NamedNode(n) => n.into(),
                oxrdf::NamedOrBlankNode::BlankNode(b) => b.into(),
            },
        };
        quads.push(oxrdf::Quad::new(subject, predicate, object, graph));
    }
    rdf_canon::canonicalize_quads(&quads)
        .map_err(|e| Error::Invalid(format!("RDF canonicalisation failed: {e}")))
}

/// Refuses a string that could be read as an IRI (it has no whitespace) whose
/// percent-escapes do not decode to UTF-8, such as `urn:uuid:%E9`. The JSON-LD
/// processor's IRI type panics while hashing one (pct-str 2.0), so a single
/// tampered byte would otherwise crash the verifier instead of failing it.
fn check_percent_escapes(doc: &serde_json::Value) -> Result<(), Error> {
    fn check(s: &str) -> Result<(), Error> {
        if s.contains('%')
            && !s.chars().any(char::is_whitespace)
            && percent_encoding::percent_decode_str(s)
                .decode_utf8()
                .is_err()
        {
            return Err(Error::Invalid(format!(
                "{s:?} has percent-escapes that are not UTF-8, so it is not a valid IRI"
            )));
        }
        Ok(())
    }
    match doc {
        serde_json::Value::String(s) => check(s),
        serde_json::Value::Array(items) => items.iter().try_for_each(check_percent_escapes),
        serde_json::Value::Object(map) => map.iter().try_for_each(|(k, v)| {
            check(k)?;
            check_percent_escapes(v)
        }),
        _ => Ok(()),
    }
}

fn id_to_ox(id: rdf_types::Id) -> Result<oxrdf::NamedOrBlankNode, Error> {
    match id {
        rdf_types::Id::Iri(iri) => oxrdf::NamedNode::new(iri.as_str())
            .map(Into::into)
            .map_err(|e| Error::Invalid(format!("bad IRI {iri}: {e}"))),
        rdf_types::Id::Blank(b) => {
            let s = b.as_str().trim_start_matches("_:");
            oxrdf::BlankNode::new(s)
                .map(Into::into)
                .map_err(|e| Error::Invalid(format!("bad blank node {b}: {e}")))
        }
    }
}

fn literal_to_ox(l: rdf_types::Literal) -> Result<oxrdf::Literal, Error> {
    match l.type_ {
        rdf_types::LiteralType::Any(dt) => {
            let dt = oxrdf::NamedNode::new(dt.as_str())
                .map_err(|e| Error::Invalid(format!("bad datatype IRI {dt}: {e}")))?;
            Ok(oxrdf::Literal::new_typed_literal(l.value, dt))
        }
        rdf_types::LiteralType::LangString(tag) => {
            oxrdf::Literal::new_language_tagged_literal(l.value, tag.as_str())
                .map_err(|e| Error::Invalid(format!("bad language tag {tag}: {e}")))
        }
    }
}
