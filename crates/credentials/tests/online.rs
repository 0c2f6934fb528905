//! Issue 13, part 4: `--online` against a local HTTPS server that this test
//! starts with its own certificate authority (rcgen): never the internet.
//! The did:web document and the revocation list are fetched, cached, size
//! limited, and loopback addresses are refused unless the fetcher was built
//! for tests.

mod common;

use mm_credentials::badge;
use mm_credentials::issuer::{Issuer, did_document};
use mm_credentials::online::Fetcher;
use mm_credentials::status::RevocationList;
use mm_credentials::verify::{Options, Verdict, fetch_online, verify};
use std::collections::HashMap;
use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

type Routes = Arc<Mutex<HashMap<String, (u16, String, Vec<u8>)>>>;

struct Server {
    port: u16,
    ca_der: Vec<u8>,
    hits: Arc<AtomicUsize>,
    routes: Routes,
}

/// A TLS server on 127.0.0.1 with its own CA, answering `routes` (path ->
/// status, extra header line, body; filled in after it starts) for at most
/// `max_conns` connections or 30 seconds, then it stops by itself.
fn serve(max_conns: usize) -> Server {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let cert = params.signed_by(&key, &issuer).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cfg = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![cert.der().clone()],
            rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        )
        .unwrap();
    let cfg = Arc::new(cfg);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let hits = Arc::new(AtomicUsize::new(0));
    let routes: Routes = Arc::default();
    let (h, r) = (hits.clone(), routes.clone());
    std::thread::spawn(move || {
        let deadline = std::time::Instant::now() + Duration::from_secs(30);
        for stream in listener.incoming().take(max_conns) {
            if std::time::Instant::now() > deadline {
                break;
            }
            let Ok(tcp) = stream else { continue };
            let _ = tcp.set_read_timeout(Some(Duration::from_secs(5)));
            let Ok(conn) = rustls::ServerConnection::new(cfg.clone()) else {
                continue;
            };
            let mut tls = rustls::StreamOwned::new(conn, tcp);
            let mut path = String::from("/");
            {
                let mut reader = BufReader::new(&mut tls);
                let mut line = String::new();
                if reader.read_line(&mut line).is_err() {
                    continue;
                }
                if let Some(p) = line.split_whitespace().nth(1) {
                    path = p.to_owned();
                }
                loop {
                    let mut l = String::new();
                    if reader.read_line(&mut l).unwrap_or(0) == 0 || l == "\r\n" {
                        break;
                    }
                }
            }
            h.fetch_add(1, Ordering::SeqCst);
            let (status, header, body) = r.lock().unwrap().get(&path).cloned().unwrap_or((
                404,
                String::new(),
                b"{}".to_vec(),
            ));
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n{header}\r\n",
                body.len()
            );
            let _ = tls.write_all(head.as_bytes());
            let _ = tls.write_all(&body);
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    Server {
        port,
        ca_der: ca.der().to_vec(),
        hits,
        routes,
    }
}

fn opts() -> Options {
    Options {
        now: Some(common::now() + chrono::Duration::days(1)),
        ..Options::default()
    }
}

#[test]
fn online_fetches_the_did_document_and_status_list_from_a_local_https_server() {
    let server = serve(40);
    let base = format!("https://localhost:{}", server.port);
    let dir = tempfile::tempdir().unwrap();
    let issuer = Issuer::init_with(
        &dir.path().join("issuer"),
        "Local issuer",
        &base,
        common::now(),
        common::secrets(),
    )
    .unwrap();
    let issued = badge::issue(&common::input(), &issuer).unwrap();
    let list = RevocationList::new(&issuer.record.revocation_list_url(), &issuer.record.id);
    {
        let mut r = server.routes.lock().unwrap();
        // did:web:localhost%3APORT lives at /.well-known/did.json; it moved
        // there from /old (a redirect the fetcher follows over HTTPS).
        r.insert(
            "/old/did.json".to_owned(),
            (
                301,
                format!("Location: {base}/.well-known/did.json\r\n"),
                Vec::new(),
            ),
        );
        r.insert(
            "/.well-known/did.json".to_owned(),
            (
                200,
                String::new(),
                did_document(&issuer.record).to_string().into_bytes(),
            ),
        );
        let list_path = issuer
            .record
            .revocation_list_url()
            .trim_start_matches(&base)
            .to_owned();
        r.insert(
            list_path,
            (200, String::new(), serde_json::to_vec(&list).unwrap()),
        );
        r.insert(
            "/big.json".to_owned(),
            (200, String::new(), vec![b' '; 2 << 20]),
        );
    }
    let bytes = issued.credential.to_string();
    // Offline: unconfirmed.
    assert_eq!(
        verify(bytes.as_bytes(), &opts()).verdict,
        Verdict::Unconfirmed
    );
    // Online through the test CA: VALID; the second run is served from the cache.
    let f = Fetcher::for_tests(&server.ca_der, Some(dir.path().join("cache"))).unwrap();
    let mut o = opts();
    let notes = fetch_online(bytes.as_bytes(), &mut o, &f);
    assert!(notes.iter().all(|n| n.starts_with("fetched")), "{notes:?}");
    let r = verify(bytes.as_bytes(), &o);
    assert_eq!(r.verdict, Verdict::Valid, "{notes:?} {:#?}", r.steps);
    let hits = server.hits.load(Ordering::SeqCst);
    let mut o2 = opts();
    fetch_online(bytes.as_bytes(), &mut o2, &f);
    assert_eq!(
        server.hits.load(Ordering::SeqCst),
        hits,
        "the cache was not used"
    );
    assert_eq!(verify(bytes.as_bytes(), &o2).verdict, Verdict::Valid);
    // Redirects are followed (over HTTPS); bodies over 1 MiB are refused.
    let nocache = Fetcher::for_tests(&server.ca_der, None).unwrap();
    let doc = nocache.get_json(&format!("{base}/old/did.json")).unwrap();
    assert_eq!(doc["id"], issuer.record.id.as_str());
    let err = nocache.get_json(&format!("{base}/big.json")).unwrap_err();
    assert!(err.to_string().contains("larger than"), "{err}");
    assert!(
        nocache
            .get_json(&format!("http://localhost:{}/x", server.port))
            .is_err()
    );
    // The public-only fetcher (what the CLI uses) refuses loopback.
    let strict = Fetcher::for_tests_public_only(&server.ca_der).unwrap();
    let mut o3 = opts();
    let notes = fetch_online(bytes.as_bytes(), &mut o3, &strict);
    assert!(
        notes.iter().any(|n| n.contains("private or loopback")),
        "{notes:?}"
    );
    assert_eq!(verify(bytes.as_bytes(), &o3).verdict, Verdict::Unconfirmed);
}
