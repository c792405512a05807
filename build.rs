//! Generates the gRPC code and the proto3 JSON (serde) impls from proto/.
use std::{env, path::PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let protoc = protoc_bin_vendored::protoc_bin_path()?;
    // SAFETY: build scripts are single-threaded; prost-build reads PROTOC from the environment.
    unsafe { env::set_var("PROTOC", protoc) };
    let out = PathBuf::from(env::var("OUT_DIR")?);
    let descriptor = out.join("vitext_descriptor.bin");
    tonic_prost_build::configure()
        .file_descriptor_set_path(&descriptor)
        .compile_protos(&["proto/vitext/v1/text_analyzer.proto"], &["proto"])?;
    let set = std::fs::read(&descriptor)?;
    pbjson_build::Builder::new()
        .register_descriptors(&set)?
        .ignore_unknown_fields()
        .build(&[".vitext"])?;
    println!("cargo:rerun-if-changed=proto");
    // Tests of the shared seed pages run where ../shared is beside the checkout and are
    // reported as ignored elsewhere, never as passed without checking anything.
    println!("cargo::rustc-check-cfg=cfg(shared_seeds)");
    let seeds = PathBuf::from(env::var("CARGO_MANIFEST_DIR")?).join("../shared/seeds");
    println!("cargo:rerun-if-changed={}", seeds.display());
    if seeds.is_dir() {
        println!("cargo:rustc-cfg=shared_seeds");
    }
    Ok(())
}
