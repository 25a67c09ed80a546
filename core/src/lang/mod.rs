//! Language front ends: one source file in, that file's facts out.
//!
//! A front end sees one file at a time and nothing else, so files can be parsed in parallel (on
//! rayon threads natively, in several Web Workers in the browser) and their facts shipped between
//! threads as plain serialisable data. Anything that needs more than one file — which package an
//! identifier belongs to, what type a field has, which methods implement an interface — is left
//! symbolic in the facts and settled by [`crate::program`].

pub mod go;
