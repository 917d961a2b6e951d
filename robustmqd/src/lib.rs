//! robustmqd as a library: only its command-line definition, shared with the generator of
//! shell completions and man pages. The daemon itself lives in the binary.

pub mod cli;
