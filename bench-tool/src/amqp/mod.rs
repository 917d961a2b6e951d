pub mod pub_sub;
pub mod wire;
