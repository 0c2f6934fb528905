"""Independent check of the embedded proofs in the corpus: pyld (JSON-LD, URDNA2015)
and `cryptography` (Ed25519, ECDSA P-256), sharing no code with our Rust verifier.

usage: python verify_ld.py CONTEXTS_DIR CREDENTIAL.json [--controller-doc DOC.json]

CONTEXTS_DIR is shared/standards/vc-contexts (index.json maps URL -> file); no
context is fetched. Suites: DataIntegrityProof eddsa-rdfc-2022 / eddsa-2022 /
ecdsa-rdfc-2019 (P-256), Ed25519Signature2020, Ed25519Signature2018 (detached JWS).
Keys: did:key, the controller document, or (test vectors only) a '#z6Mk'/'#zDn'
fragment of the verification method URL.
Prints one line per proof: VALID, INVALID or UNSUPPORTED.
Exit 0: every supported proof is VALID and at least one was checked; 1: a proof
is INVALID; 2: no proof could be checked."""
import base64, hashlib, json, os, sys
from pyld import jsonld
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric import ec, utils
from cryptography.hazmat.primitives import hashes
from cryptography.exceptions import InvalidSignature

CTX_DIR = sys.argv[1]
INDEX = json.load(open(os.path.join(CTX_DIR, "index.json")))["contexts"]


def loader(url, options=None):
    e = INDEX.get(url)
    if e is None:
        raise jsonld.JsonLdError("offline: no local copy of " + url,
                                 "jsonld.LoadDocumentError", code="loading document failed")
    return {"contextUrl": None, "documentUrl": url,
            "document": json.load(open(os.path.join(CTX_DIR, e["file"])))}


jsonld.set_document_loader(loader)
B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def b58(s):
    n = 0
    for ch in s:
        n = n * 58 + B58.index(ch)
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return b"\x00" * (len(s) - len(s.lstrip("1"))) + raw


def b64u(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def multikey(mb):
    raw = b58(mb[1:])
    if raw[:2] == b"\xed\x01":
        return Ed25519PublicKey.from_public_bytes(raw[2:])
    if raw[:2] == b"\x80\x24":
        return ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw[2:])
    raise ValueError("unsupported multikey " + mb[:8])


def key_for(vm, doc):
    if doc:
        ms = list(doc.get("verificationMethod", [])) + [
            a for a in doc.get("assertionMethod", []) if isinstance(a, dict)]
        for m in ms:
            mid = m["id"] if not m["id"].startswith("#") else doc["id"] + m["id"]
            if mid == vm:
                if "publicKeyMultibase" in m:
                    return multikey(m["publicKeyMultibase"])
                if "publicKeyBase58" in m:
                    return Ed25519PublicKey.from_public_bytes(b58(m["publicKeyBase58"]))
        raise ValueError("verification method not in controller document: " + vm)
    if vm.startswith("did:key:"):
        return multikey(vm[len("did:key:"):].split("#")[0])
    return multikey(vm.split("#")[-1])


def canon(d):
    return jsonld.normalize(d, {"algorithm": "URDNA2015", "format": "application/n-quads",
                                "safe": True})


def check(cred, p, doc):
    t, suite = p.get("type"), p.get("cryptosuite")
    name = suite if t == "DataIntegrityProof" else t
    if name not in ("eddsa-rdfc-2022", "eddsa-2022", "ecdsa-rdfc-2019",
                    "Ed25519Signature2020", "Ed25519Signature2018"):
        return "UNSUPPORTED", name
    unsigned = {k: v for k, v in cred.items() if k != "proof"}
    opts = {k: v for k, v in p.items() if k not in ("proofValue", "jws")}
    if t == "DataIntegrityProof" or "@context" not in opts:
        opts["@context"] = cred["@context"]
    data = hashlib.sha256(canon(opts).encode()).digest() + \
        hashlib.sha256(canon(unsigned).encode()).digest()
    key = key_for(p["verificationMethod"], doc)
    try:
        if name == "Ed25519Signature2018":
            h, _, s = p["jws"].partition("..")
            key.verify(b64u(s), h.encode() + b"." + data)
        elif name == "ecdsa-rdfc-2019":
            sig = b58(p["proofValue"][1:])
            der = utils.encode_dss_signature(int.from_bytes(sig[:32], "big"),
                                             int.from_bytes(sig[32:], "big"))
            key.verify(der, data, ec.ECDSA(hashes.SHA256()))
        else:
            key.verify(b58(p["proofValue"][1:]), data)
        return "VALID", name
    except InvalidSignature:
        return "INVALID", name


if __name__ == "__main__":
    cred = json.load(open(sys.argv[2]))
    doc = None
    if "--controller-doc" in sys.argv:
        doc = json.load(open(sys.argv[sys.argv.index("--controller-doc") + 1]))
    proofs = cred.get("proof")
    proofs = proofs if isinstance(proofs, list) else [proofs] if proofs else []
    results = []
    for p in proofs:
        try:
            r = check(cred, p, doc)
        except Exception as e:  # malformed JSON-LD, unknown key: not a valid proof
            r = ("INVALID", "%s (%s)" % (p.get("cryptosuite") or p.get("type"), e))
        print(r[0], r[1], sys.argv[2])
        results.append(r[0])
    if "INVALID" in results:
        sys.exit(1)
    sys.exit(0 if "VALID" in results else 2)
