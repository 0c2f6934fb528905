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

/// The first bytes of every PNG file.
pub const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The iTXt keyword of a credential baked into a PNG (OBv3 "PNG" baking).
pub const PNG_KEYWORD: &str = "openbadgecredential";

fn png_error(e: impl std::fmt::Display) -> Error {
    Error::Invalid(format!("the PNG image is damaged: {e}"))
}

fn png_credentials(info: &png::Info<'_>) -> Result<Vec<String>, Error> {
    info.utf8_text
        .iter()
        .filter(|c| c.keyword == PNG_KEYWORD)
        .map(|c| c.get_text().map_err(png_error))
        .collect()
}

/// Extracts the credential (JSON text or a JWT) baked into a PNG image's
/// `openbadgecredential` iTXt chunk, wherever the chunk sits.
///
/// # Errors
/// [`Error::Invalid`] when the PNG is damaged (a CRC, a truncated chunk), holds
/// no or several credentials.
pub fn extract_png(bytes: &[u8]) -> Result<String, Error> {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .map_err(png_error)?;
    let mut found = png_credentials(reader.info())?;
    // A chunk after the image data is only seen once the image is read.
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| png_error("the image is too large"))?;
    let mut buf = vec![0; size];
    reader.next_frame(&mut buf).map_err(png_error)?;
    reader.finish().map_err(png_error)?;
    let all = png_credentials(reader.info())?;
    if all.len() > found.len() {
        found = all;
    }
    match found.len() {
        0 => Err(Error::Invalid(
            "the PNG holds no baked credential (no openbadgecredential iTXt chunk)".into(),
        )),
        1 => {
            let text = found.remove(0);
            if text.trim().is_empty() {
                return Err(Error::Invalid(
                    "the PNG's openbadgecredential chunk is empty".into(),
                ));
            }
            Ok(text)
        }
        _ => Err(Error::Invalid(
            "the PNG holds more than one baked credential".into(),
        )),
    }
}

/// Bakes `payload` into a PNG image as an uncompressed `openbadgecredential`
/// iTXt chunk placed before the image data.
///
/// # Errors
/// [`Error::Invalid`] when `png` is not a PNG image or already holds a credential.
pub fn bake_png(png_bytes: &[u8], payload: Payload<'_>) -> Result<Vec<u8>, Error> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::IDENTITY);
    let mut reader = decoder.read_info().map_err(png_error)?;
    let size = reader
        .output_buffer_size()
        .ok_or_else(|| png_error("the image is too large"))?;
    let mut buf = vec![0; size];
    let frame = reader.next_frame(&mut buf).map_err(png_error)?;
    reader.finish().map_err(png_error)?;
    let info = reader.info();
    if !png_credentials(info)?.is_empty() {
        return Err(Error::Invalid(
            "the image already holds a baked credential".into(),
        ));
    }
    let text = match payload {
        Payload::Json(j) | Payload::Jwt(j) => j.trim().to_owned(),
    };
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, info.width, info.height);
        enc.set_color(frame.color_type);
        enc.set_depth(frame.bit_depth);
        if let Some(p) = &info.palette {
            enc.set_palette(p.to_vec());
        }
        if let Some(t) = &info.trns {
            enc.set_trns(t.to_vec());
        }
        enc.add_itxt_chunk(PNG_KEYWORD.to_owned(), text)
            .map_err(|e| Error::Internal(format!("PNG encoding failed: {e}")))?;
        let mut w = enc
            .write_header()
            .map_err(|e| Error::Internal(format!("PNG encoding failed: {e}")))?;
        w.write_image_data(&buf[..frame.buffer_size()])
            .map_err(|e| Error::Internal(format!("PNG encoding failed: {e}")))?;
        w.finish()
            .map_err(|e| Error::Internal(format!("PNG encoding failed: {e}")))?;
    }
    Ok(out)
}

/// A plain 128×128 round badge as a PNG (RGBA), to bake into when no image is given.
pub fn default_png() -> Vec<u8> {
    const N: u32 = 128;
    let mut px = Vec::with_capacity((N * N * 4) as usize);
    let c = f64::from(N) / 2.0;
    for y in 0..N {
        for x in 0..N {
            let d = ((f64::from(x) + 0.5 - c).powi(2) + (f64::from(y) + 0.5 - c).powi(2)).sqrt();
            let rgba: [u8; 4] = if d < c - 8.0 {
                [0x1f, 0x4e, 0x79, 0xff]
            } else if d < c - 2.0 {
                [0xf2, 0xc1, 0x4e, 0xff]
            } else {
                [0, 0, 0, 0]
            };
            px.extend_from_slice(&rgba);
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, N, N);
        enc.set_color(png::ColorType::Rgba);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc.write_header().expect("writing to a Vec cannot fail");
        w.write_image_data(&px).expect("the buffer has N*N*4 bytes");
        w.finish().expect("writing to a Vec cannot fail");
    }
    out
}
