//! Generated protobuf types and gRPC stubs (package vitext.v1), with proto3 JSON serde impls.
#![allow(clippy::all, missing_docs)]

tonic::include_proto!("vitext.v1");
include!(concat!(env!("OUT_DIR"), "/vitext.v1.serde.rs"));

/// The encoded FileDescriptorSet, served by reflection.
pub const FILE_DESCRIPTOR_SET: &[u8] =
    include_bytes!(concat!(env!("OUT_DIR"), "/vitext_descriptor.bin"));
