//! robustmq-bench's command line as a library, so the completion and man-page generator uses the
//! same definitions as the binary.

pub mod args;
