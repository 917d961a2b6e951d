//! robustmq's gRPC API: the admin service that the `robustmq` CLI and `robustmq top` use.

#[allow(clippy::all, missing_docs)]
pub mod admin {
    tonic::include_proto!("robustmq.admin.v1");
}
