//! robustmqd as a library: its command-line definition (shared with the generator of shell
//! completions and man pages) and its table of protocols, which the flags are made from. The
//! daemon itself lives in the binary.

pub mod cli;
pub mod protocols;
