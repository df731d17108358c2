//! The inverted index: immutable segments and their merging.

mod blob;
pub mod docstore_cache;
mod field_stats;
mod head;
mod merge;
mod postings;
mod segment;
mod stored;

pub use blob::Blob;
pub use head::SegmentHead;
pub use merge::{merge, MergeInput};
pub use postings::get_varint;
#[cfg(test)]
pub use segment::pack_hit;
pub use segment::{hit_field, hit_pos, Bits, Segment, SegmentBuilder};
#[cfg(test)]
pub use stored::StoredWriter;
pub use stored::{StoredText, TextCache};
