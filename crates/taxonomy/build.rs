//! Decompress the prebuilt extractor (`data/taxonomy/extractor.bin.zst`)
//! at build time, so the binary holds its raw postcard form and `mm
//! extract` starts without spending a quarter of its start-up in zstd. The
//! repository keeps the compressed file (3.8 MB instead of 10.5 MB).

use std::path::PathBuf;

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let src = manifest.join("../../data/taxonomy/extractor.bin.zst");
    println!("cargo::rerun-if-changed={}", src.display());
    let packed =
        std::fs::read(&src).unwrap_or_else(|e| panic!("cannot read {}: {e}", src.display()));
    let raw = zstd::bulk::decompress(&packed, 256 << 20)
        .unwrap_or_else(|e| panic!("cannot decompress {}: {e}", src.display()));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    std::fs::write(out.join("extractor.bin"), raw)
        .unwrap_or_else(|e| panic!("cannot write the raw extractor: {e}"));
}
