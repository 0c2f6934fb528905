//! `--online`: fetching what offline verification lacks (did:web documents,
//! issuer profiles, status lists) over HTTPS, carefully.
//!
//! * HTTPS only; connect timeout 5 s, whole request 15 s; bodies over 1 MiB
//!   are refused.
//! * No address that is private, loopback, link-local, shared or otherwise
//!   not public is ever contacted (the check sits in the resolver, so a
//!   redirect or a DNS answer cannot get around it), unless the fetcher was
//!   built for a test with [`Fetcher::for_tests`].
//! * Redirects are followed by hand, at most 3, each to HTTPS and each
//!   through the same address check.
//! * Responses are cached on disk for an hour (by URL hash), so verifying a
//!   batch of badges from one issuer asks once.
//!
//! Fetching only adds documents to [`crate::verify::Options`]; verification
//! itself stays the same offline procedure.

use crate::Error;
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use std::io::Read as _;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs as _};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// The largest body we read.
pub const MAX_BYTES: u64 = 1 << 20;
/// How many redirects we follow.
pub const MAX_REDIRECTS: usize = 3;
/// How long a cached response is reused.
pub const CACHE_FOR: Duration = Duration::from_secs(3600);

/// Whether `ip` is an address anyone on the internet could reach.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v) => {
            let o = v.octets();
            !(v.is_private()
                || v.is_loopback()
                || v.is_link_local()
                || v.is_unspecified()
                || v.is_broadcast()
                || v.is_documentation()
                || v.is_multicast()
                || o[0] == 0
                || (o[0] == 100 && (o[1] & 0xc0) == 64)
                || (o[0] == 192 && o[1] == 0 && o[2] == 0)
                || (o[0] == 198 && (o[1] & 0xfe) == 18)
                || o[0] >= 240)
        }
        IpAddr::V6(v) => {
            if let Some(v4) = v.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v.segments();
            !(v.is_loopback()
                || v.is_unspecified()
                || v.is_multicast()
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || s[0] == 0x2001 && s[1] == 0x0db8)
        }
    }
}

/// An HTTPS client with the limits above.
#[derive(Clone)]
pub struct Fetcher {
    agent: ureq::Agent,
    cache: Option<PathBuf>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("cache", &self.cache)
            .finish()
    }
}

fn tls(roots: rustls::RootCertStore) -> Result<Arc<rustls::ClientConfig>, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::Internal(format!("TLS setup failed: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(cfg))
}

impl Fetcher {
    /// A fetcher that trusts the usual web roots and contacts public
    /// addresses only; `cache` is a directory for cached responses.
    ///
    /// # Errors
    /// [`Error::Internal`] if TLS cannot be set up.
    pub fn new(cache: Option<PathBuf>) -> Result<Self, Error> {
        let roots = rustls::RootCertStore {
            roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
        };
        Self::build(tls(roots)?, false, cache)
    }

    /// For tests against a local server: trusts only `ca_der` and allows
    /// loopback addresses. Never used by the CLI.
    ///
    /// # Errors
    /// [`Error::Invalid`] when the certificate is not usable as a root.
    pub fn for_tests(ca_der: &[u8], cache: Option<PathBuf>) -> Result<Self, Error> {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls::pki_types::CertificateDer::from(ca_der.to_vec()))
            .map_err(|e| Error::Invalid(format!("not a CA certificate: {e}")))?;
        Self::build(tls(roots)?, true, cache)
    }

    /// As [`Fetcher::for_tests`] but with the public-address rule on, to
    /// test that rule.
    ///
    /// # Errors
    /// As [`Fetcher::for_tests`].
    pub fn for_tests_public_only(ca_der: &[u8]) -> Result<Self, Error> {
        let mut roots = rustls::RootCertStore::empty();
        roots
            .add(rustls::pki_types::CertificateDer::from(ca_der.to_vec()))
            .map_err(|e| Error::Invalid(format!("not a CA certificate: {e}")))?;
        Self::build(tls(roots)?, false, None)
    }

    fn build(
        tls: Arc<rustls::ClientConfig>,
        allow_private: bool,
        cache: Option<PathBuf>,
    ) -> Result<Self, Error> {
        let resolver = move |netloc: &str| -> std::io::Result<Vec<SocketAddr>> {
            let addrs: Vec<SocketAddr> = netloc.to_socket_addrs()?.collect();
            let allowed: Vec<SocketAddr> = addrs
                .iter()
                .copied()
                .filter(|a| allow_private || is_public(a.ip()))
                .collect();
            if allowed.is_empty() && !addrs.is_empty() {
                return Err(std::io::Error::new(
                    std::io::ErrorKind::PermissionDenied,
                    format!(
                        "{netloc} resolves only to private or loopback addresses; refusing to contact it"
                    ),
                ));
            }
            Ok(allowed)
        };
        let agent = ureq::AgentBuilder::new()
            .timeout_connect(Duration::from_secs(5))
            .timeout(Duration::from_secs(15))
            .redirects(0)
            .tls_config(tls)
            .resolver(resolver)
            .user_agent("mm-badge-verify")
            .build();
        Ok(Self { agent, cache })
    }

    fn cache_path(&self, url: &str) -> Option<PathBuf> {
        let dir = self.cache.as_ref()?;
        let h = Sha256::digest(url.as_bytes());
        let name: String = h.iter().take(16).map(|b| format!("{b:02x}")).collect();
        Some(dir.join(format!("{name}.json")))
    }

    /// Fetches `url` as JSON (following up to 3 HTTPS redirects), or returns
    /// a cached copy younger than an hour.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming what went wrong: not HTTPS, a private
    /// address, a timeout, an HTTP error, a body over 1 MiB, not JSON.
    pub fn get_json(&self, url: &str) -> Result<Value, Error> {
        if let Some(p) = self.cache_path(url)
            && let Ok(meta) = std::fs::metadata(&p)
            && meta
                .modified()
                .ok()
                .and_then(|m| m.elapsed().ok())
                .is_some_and(|age| age < CACHE_FOR)
            && let Ok(text) = std::fs::read_to_string(&p)
            && let Ok(v) = serde_json::from_str(&text)
        {
            return Ok(v);
        }
        let mut current = url.to_owned();
        for _ in 0..=MAX_REDIRECTS {
            if !current.starts_with("https://") {
                return Err(Error::Invalid(format!(
                    "{current} is not an HTTPS URL; only HTTPS is fetched"
                )));
            }
            let resp = match self
                .agent
                .get(&current)
                .set("Accept", "application/ld+json, application/json;q=0.9")
                .call()
            {
                Ok(r) => r,
                Err(ureq::Error::Status(code, _)) => {
                    return Err(Error::Invalid(format!("{current} answered HTTP {code}")));
                }
                Err(e) => return Err(Error::Invalid(format!("fetching {current} failed: {e}"))),
            };
            if (300..400).contains(&resp.status()) {
                let Some(loc) = resp.header("location") else {
                    return Err(Error::Invalid(format!(
                        "{current} redirects without a Location"
                    )));
                };
                current = if loc.starts_with("https://") || loc.starts_with("http://") {
                    loc.to_owned()
                } else if let Some(path) = loc.strip_prefix('/') {
                    let origin: String =
                        current.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
                    format!("{origin}/{path}")
                } else {
                    return Err(Error::Invalid(format!(
                        "{current} redirects to {loc}, which is not followed"
                    )));
                };
                continue;
            }
            let mut body = Vec::new();
            resp.into_reader()
                .take(MAX_BYTES + 1)
                .read_to_end(&mut body)
                .map_err(|e| Error::Invalid(format!("reading {current} failed: {e}")))?;
            if body.len() as u64 > MAX_BYTES {
                return Err(Error::Invalid(format!(
                    "{current} is larger than {MAX_BYTES} bytes; refusing it"
                )));
            }
            let v: Value = serde_json::from_slice(&body)
                .map_err(|e| Error::Invalid(format!("{current} is not JSON: {e}")))?;
            if let Some(p) = self.cache_path(url) {
                if let Some(d) = p.parent() {
                    let _ = std::fs::create_dir_all(d);
                }
                let _ = std::fs::write(&p, &body);
            }
            return Ok(v);
        }
        Err(Error::Invalid(format!(
            "{url} redirects more than {MAX_REDIRECTS} times"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::is_public;

    #[test]
    fn private_and_special_addresses_are_not_public() {
        for a in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.1.1",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "fc00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
        ] {
            assert!(!is_public(a.parse().unwrap()), "{a}");
        }
        for a in ["93.184.215.14", "2606:4700::1111"] {
            assert!(is_public(a.parse().unwrap()), "{a}");
        }
    }
}
