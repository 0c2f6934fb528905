//! Baking a credential into an SVG image, as the OBv3 "Baking" section
//! describes: an `xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`
//! attribute on the root `<svg>` and, directly after it, one
//! `<openbadges:credential>` element holding the JSON credential in CDATA, or
//! a VC-JWT in its `verify` attribute. And extracting it back.

use crate::Error;

/// The OBv3 baking namespace.
pub const NAMESPACE: &str = "https://purl.imsglobal.org/ob/v3p0";

fn escape_attr(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn escape_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A plain round badge image showing the credential's name.
pub fn default_image(title: &str, subtitle: &str) -> String {
    format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 256 256" width="256" height="256">
  <circle cx="128" cy="128" r="120" fill="#1f4e79" stroke="#f2c14e" stroke-width="8"/>
  <text x="128" y="118" font-family="sans-serif" font-size="18" fill="#ffffff" text-anchor="middle">{}</text>
  <text x="128" y="148" font-family="sans-serif" font-size="13" fill="#f2c14e" text-anchor="middle">{}</text>
</svg>
"##,
        escape_text(title),
        escape_text(subtitle)
    )
}

/// What to bake: a JSON credential (with embedded proof) or a compact JWT.
#[derive(Debug, Clone, Copy)]
pub enum Payload<'a> {
    /// The credential as JSON text.
    Json(&'a str),
    /// A VC-JWT.
    Jwt(&'a str),
}

/// Bakes `payload` into `svg` (which must not already hold a credential).
///
/// # Errors
/// [`Error::Invalid`] when `svg` has no root `<svg>` element or already holds
/// an `openbadges:credential`.
pub fn bake(svg: &str, payload: Payload<'_>) -> Result<String, Error> {
    if svg.contains("<openbadges:credential") {
        return Err(Error::Invalid(
            "the image already holds a baked credential".into(),
        ));
    }
    let start = svg
        .find("<svg")
        .ok_or_else(|| Error::Invalid("the image has no <svg> element".into()))?;
    let end = start
        + svg[start..]
            .find('>')
            .ok_or_else(|| Error::Invalid("the <svg> start tag is not closed".into()))?;
    if !svg.trim_end().ends_with("</svg>") {
        return Err(Error::Invalid("the image does not end with </svg>".into()));
    }
    let mut tag = svg[start..end].trim_end_matches('/').to_owned();
    if svg[start..=end].ends_with("/>") {
        return Err(Error::Invalid(
            "the <svg> element is empty (self-closing)".into(),
        ));
    }
    if !tag.contains("xmlns:openbadges") {
        tag.push_str(&format!(" xmlns:openbadges=\"{NAMESPACE}\""));
    }
    let element = match payload {
        Payload::Json(j) => format!(
            "\n  <openbadges:credential><![CDATA[{}]]></openbadges:credential>",
            // "]]>" can only occur inside a JSON string, where \u003e means the same.
            j.replace("]]>", "]]\\u003e")
        ),
        Payload::Jwt(t) => format!(
            "\n  <openbadges:credential verify=\"{}\"></openbadges:credential>",
            escape_attr(t.trim())
        ),
    };
    Ok(format!(
        "{}{tag}>{element}{}",
        &svg[..start],
        &svg[end + 1..]
    ))
}

/// Extracts the credential baked into an SVG: the JSON text or the JWT.
///
/// # Errors
/// [`Error::Invalid`] when the SVG is truncated, holds no or several
/// credentials, or the element is malformed.
pub fn extract(svg: &str) -> Result<String, Error> {
    if !svg.contains("<svg") {
        return Err(Error::Invalid("not an SVG image (no <svg> element)".into()));
    }
    if !svg.trim_end().ends_with("</svg>") {
        return Err(Error::Invalid(
            "the SVG is truncated (it does not end with </svg>)".into(),
        ));
    }
    let open = "<openbadges:credential";
    let Some(pos) = svg.find(open) else {
        return Err(Error::Invalid("the SVG holds no baked credential".into()));
    };
    if svg[pos + open.len()..].contains(open) {
        return Err(Error::Invalid(
            "the SVG holds more than one baked credential".into(),
        ));
    }
    let rest = &svg[pos + open.len()..];
    let tag_end = rest
        .find('>')
        .ok_or_else(|| Error::Invalid("the openbadges:credential tag is not closed".into()))?;
    let attrs = &rest[..tag_end];
    if let Some(i) = attrs.find("verify=\"") {
        let v = &attrs[i + 8..];
        let j = v
            .find('"')
            .ok_or_else(|| Error::Invalid("the verify attribute is not closed".into()))?;
        return Ok(v[..j]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&"));
    }
    if attrs.trim_end().ends_with('/') {
        return Err(Error::Invalid(
            "the openbadges:credential element is empty".into(),
        ));
    }
    let body = &rest[tag_end + 1..];
    let close = body.find("</openbadges:credential>").ok_or_else(|| {
        Error::Invalid("the openbadges:credential element is not closed (truncated SVG?)".into())
    })?;
    let inner = body[..close].trim();
    let inner = match inner.strip_prefix("<![CDATA[") {
        Some(x) => x
            .strip_suffix("]]>")
            .ok_or_else(|| Error::Invalid("the CDATA section is not closed".into()))?
            .to_owned(),
        None => inner
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&amp;", "&"),
    };
    if inner.trim().is_empty() {
        return Err(Error::Invalid(
            "the openbadges:credential element is empty".into(),
        ));
    }
    Ok(inner)
}
