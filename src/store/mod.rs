//! The store layer: everything about store paths, hashes, NARs, `.drv`
//! files and the on-disk store, byte-compatible with CppNix 2.8
//! (`shared/design/store.md` is the spec).
//!
//! Layering, bottom up:
//!
//! * **Pure functions** — no file system, no global state:
//!   - [`base32`]: Nix's base-32;
//!   - [`hash`]: hash algorithms, parsing/printing in every encoding,
//!     streaming [`hash::Hasher`];
//!   - [`content_address`]: flat/recursive ingestion, fixed-output hashes,
//!     the `ca` field;
//!   - [`path`]: [`StorePath`], name rules, fingerprints and the path of
//!     every kind of object, placeholders;
//!   - `aterm` (private writer/reader) and [`derivation`]: the `.drv`
//!     format, `hashDerivationModulo`, output and drv paths. Input
//!     derivations are fetched through the [`DerivationLoader`] trait.
//! * **File-system functions** that never touch a store:
//!   - [`nar`]: NAR serialisation (streamed into any `io::Write`, with an
//!     optional `filterSource` filter) and restore.
//! * **The on-disk store** — [`Store`] in [`local`], metadata in a private
//!   SQLite module (`db`), helpers in `fsutil`: physical root chosen by the
//!   caller, logical paths always under `/nix/store`, atomic and
//!   concurrency-safe adds, path metadata, references and closures.
//!
//! The evaluator computes paths with the pure layer (e.g. for
//! `derivationStrict`) and asks the [`Store`] to materialise objects
//! (`toFile`, path imports, `.drv` files); the builder registers outputs
//! with [`Store::register_valid_paths`].

mod aterm;
pub mod base32;
pub mod content_address;
mod db;
pub mod derivation;
pub mod download;
pub mod error;
mod fsutil;
pub mod hash;
pub mod layout;
pub mod local;
pub mod nar;
mod overlay;
pub mod path;

pub use content_address::{ContentAddress, FileIngestionMethod, FixedOutputHash};
pub use db::PathInfo;
pub use derivation::{Derivation, DerivationLoader, DerivationOutput, HashModuloMemo};
pub use error::StoreError;
pub use fsutil::{canonicalise, remove_tree, unshare_hard_links, PathLock};
pub use hash::{Hash, HashAlgo, HashFormat};
pub use layout::{chosen_daemon, daemon_socket, default_root, resolve_root, Flavor, Layout};
pub use local::Store;
pub use nar::EntryType;
pub use path::{StorePath, STORE_DIR};
