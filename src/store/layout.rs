//! Where a store root keeps its parts, and which kind of store a root is.
//!
//! A *root* is the directory whose `store/` subdirectory holds the objects
//! (their logical paths are always under `/nix/store`). Two kinds:
//!
//! * **tern's own** (the default, `~/.local/share/tern`): metadata in
//!   `<root>/var/db.sqlite` (CppNix's tables plus tern's `Pending`), path
//!   locks in `<root>/var/locks`, logs in `<root>/var/log/drvs`.
//! * **CppNix's** (`--store /`, `--store /nix`, or a chroot store made by
//!   `nix --store DIR`, whose root is `DIR/nix`): the root holds
//!   `var/nix/db/db.sqlite` and tern shares it as another CppNix would —
//!   the same database (schema 10, WAL, one transaction per registration),
//!   the same per-path lock files beside the objects
//!   (`/nix/store/<hash>-<name>.lock`), a shared lock on `big-lock` (CppNix
//!   takes it exclusively only to migrate the schema), build logs where
//!   `nix-store -l` finds them, and indirect GC roots for `-o` links in
//!   `var/nix/gcroots/auto`. Paths tern builds are then valid for CppNix and
//!   the reverse, and results run directly when the root is `/nix`.
//!
//! Choosing the root: `--store DIR`, else `$TERN_STORE`, else `store = …`
//! in `tern.conf`, else the per-user default. Any of them may instead name
//! a running CppNix daemon (`daemon`, `unix:///path/to/socket`, see
//! [`daemon_socket`]): the daemon's own store then receives derivations and
//! builds them, and tern keeps what it evaluates (`.drv` files, sources)
//! in a staging root, the first of these that is a directory, else the
//! per-user default.

use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::path::{Path, PathBuf};

use super::error::{Result, StoreError};
use super::path::StorePath;

/// The schema version of CppNix's database that tern speaks (2.8 through
/// at least 2.34 write `10` into `var/nix/db/schema`).
const CPPNIX_SCHEMA: &str = "10";

/// Which program's conventions a store root follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    Tern,
    CppNix,
}

/// The parts of a store root.
#[derive(Clone, Debug)]
pub struct Layout {
    pub root: PathBuf,
    pub flavor: Flavor,
}

impl Layout {
    /// The layout of an (absolute, canonical) root: CppNix's if its
    /// database is there.
    pub fn of(root: &Path) -> Layout {
        let flavor = if root.join("var/nix/db/db.sqlite").exists() { Flavor::CppNix } else { Flavor::Tern };
        Layout { root: root.to_path_buf(), flavor }
    }

    pub fn objects(&self) -> PathBuf {
        self.root.join("store")
    }

    pub fn db_file(&self) -> PathBuf {
        match self.flavor {
            Flavor::Tern => self.root.join("var/db.sqlite"),
            Flavor::CppNix => self.root.join("var/nix/db/db.sqlite"),
        }
    }

    /// The lock file guarding the creation of `path`.
    pub fn lock_file(&self, path: &StorePath) -> PathBuf {
        match self.flavor {
            Flavor::Tern => self.root.join("var/locks").join(format!("{}.lock", path.hash_part())),
            // CppNix locks `<real path>.lock`, for builds and adds alike.
            Flavor::CppNix => self.objects().join(format!("{}.lock", path.base_name())),
        }
    }

    /// Directories that must exist before the store is used.
    pub fn directories(&self) -> Vec<PathBuf> {
        match self.flavor {
            Flavor::Tern => vec![self.objects(), self.root.join("var/locks")],
            Flavor::CppNix => vec![self.objects()],
        }
    }

    /// Where build logs go: `<dir>/<first two characters of the drv base
    /// name>/<rest>.bz2`.
    pub fn log_dir(&self) -> PathBuf {
        match self.flavor {
            Flavor::Tern => self.root.join("var/log/drvs"),
            Flavor::CppNix => self.root.join("var/log/nix/drvs"),
        }
    }

    /// The directory of automatic (indirect) GC roots, CppNix's only.
    pub fn auto_gc_roots(&self) -> Option<PathBuf> {
        (self.flavor == Flavor::CppNix).then(|| self.root.join("var/nix/gcroots/auto"))
    }

    /// For CppNix's store: checks the schema version and takes the shared
    /// big lock, held for as long as the returned file is open.
    pub fn join_cppnix(&self) -> Result<Option<File>> {
        if self.flavor != Flavor::CppNix {
            return Ok(None);
        }
        let db_dir = self.root.join("var/nix/db");
        let schema_file = db_dir.join("schema");
        let schema = fs::read_to_string(&schema_file).map_err(|e| StoreError::io("read", &schema_file, e))?;
        if schema.trim() != CPPNIX_SCHEMA {
            return Err(StoreError::Other(format!(
                "CppNix's store at '{}' has database schema {}, but tern knows schema {CPPNIX_SCHEMA} (CppNix 2.8 to \
                 2.34); use a CppNix of that range on it, or tern's own store (--store DIR)",
                self.objects().display(),
                schema.trim()
            )));
        }
        let lock_file = db_dir.join("big-lock");
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&lock_file)
            .map_err(|e| StoreError::io("open", &lock_file, e))?;
        file.lock_shared().map_err(|e| StoreError::io("lock", &lock_file, e))?;
        Ok(Some(file))
    }
}

/// The default store root: `$XDG_DATA_HOME/tern`, else
/// `$HOME/.local/share/tern`.
pub fn default_root() -> Result<PathBuf> {
    default_root_from(std::env::var_os("XDG_DATA_HOME"), std::env::var_os("HOME"))
}

fn default_root_from(xdg: Option<OsString>, home: Option<OsString>) -> Result<PathBuf> {
    // An empty variable counts as unset, as the XDG spec says.
    if let Some(xdg) = xdg.filter(|s| !s.is_empty()) {
        return Ok(PathBuf::from(xdg).join("tern"));
    }
    if let Some(home) = home.filter(|s| !s.is_empty()) {
        return Ok(PathBuf::from(home).join(".local/share/tern"));
    }
    Err(StoreError::Other(
        "cannot choose a store location: neither XDG_DATA_HOME nor HOME is set; \
         pass --store DIR or set TERN_STORE"
            .into(),
    ))
}

/// The store root to use: `--store DIR` if given, else `$TERN_STORE`, else
/// `store` in `tern.conf`, else [`default_root`]; see [`normalise_root`].
/// When the one chosen names a daemon, the staging root: the first of the
/// others that names a directory, else the default.
pub fn resolve_root(cli: Option<&Path>) -> Result<PathBuf> {
    let mut choices = store_choices(cli.map(|p| p.as_os_str().to_os_string()));
    choices.retain(|c| daemon_socket(&c.to_string_lossy()).is_none());
    match choices.first() {
        Some(dir) => normalise_root(Path::new(dir)),
        None => default_root(),
    }
}

/// The store settings in order of precedence: the command line's, then
/// `$TERN_STORE`, then `store` in `tern.conf`.
fn store_choices(cli: Option<OsString>) -> Vec<OsString> {
    let mut out: Vec<OsString> = cli.into_iter().collect();
    out.extend(std::env::var_os("TERN_STORE").filter(|s| !s.is_empty()));
    out.extend(crate::build::config::Config::load().store.map(OsString::from));
    out
}

/// The socket of the daemon the chosen store setting names, if it names
/// one (see [`resolve_root`] for the precedence).
pub fn chosen_daemon(cli: Option<&str>) -> Option<PathBuf> {
    let first = store_choices(cli.map(OsString::from)).into_iter().next()?;
    daemon_socket(&first.to_string_lossy())
}

/// The daemon socket a store URI names: `daemon` is the system's
/// (`$NIX_DAEMON_SOCKET_PATH`, else `/nix/var/nix/daemon-socket/socket`),
/// `unix://PATH` (query parameters ignored) that socket.
pub fn daemon_socket(uri: &str) -> Option<PathBuf> {
    if uri == "daemon" {
        let env = std::env::var_os("NIX_DAEMON_SOCKET_PATH").filter(|s| !s.is_empty());
        return Some(env.map(PathBuf::from).unwrap_or_else(|| PathBuf::from("/nix/var/nix/daemon-socket/socket")));
    }
    let rest = uri.strip_prefix("unix://")?;
    let path = rest.split_once('?').map_or(rest, |(p, _)| p);
    if path.is_empty() {
        // `unix://` alone: the default socket, as CppNix reads it.
        return daemon_socket("daemon");
    }
    Some(PathBuf::from(path))
}

/// Nix's way of naming a store by the directory *above* `nix/`: `/` is the
/// system's store (`/nix/store`), and a directory holding CppNix's
/// `nix/var/nix/db` is a chroot store made by `nix --store DIR`. Both stand
/// for their `nix/` directory; any other directory is a root itself.
pub fn normalise_root(dir: &Path) -> Result<PathBuf> {
    if dir == Path::new("/") {
        let nix = Path::new("/nix");
        if !nix.join("var/nix/db/db.sqlite").exists() {
            return Err(StoreError::Other(
                "'--store /' means the system's Nix store, but there is none here ('/nix/var/nix/db/db.sqlite' is \
                 missing): install Nix (Debian: apt-get install nix-bin) or use tern's own store (--store DIR)"
                    .into(),
            ));
        }
        return Ok(nix.to_path_buf());
    }
    if dir.join("nix/var/nix/db/db.sqlite").exists() {
        return Ok(dir.join("nix"));
    }
    Ok(dir.to_path_buf())
}

/// The name CppNix gives the indirect GC root of `link`: Nix's base-32 of
/// the SHA-1 of its absolute path.
pub fn indirect_root_name(link: &Path) -> String {
    use sha1::Digest;
    let digest = sha1::Sha1::digest(link.as_os_str().as_encoded_bytes());
    super::base32::encode(&digest)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_root_rules() {
        let os = |s: &str| Some(OsString::from(s));
        assert_eq!(default_root_from(os("/x"), os("/home/u")).unwrap(), PathBuf::from("/x/tern"));
        assert_eq!(default_root_from(os(""), os("/home/u")).unwrap(), PathBuf::from("/home/u/.local/share/tern"));
        assert_eq!(default_root_from(None, os("/home/u")).unwrap(), PathBuf::from("/home/u/.local/share/tern"));
        assert!(default_root_from(None, None).is_err());
        assert!(default_root_from(os(""), os("")).is_err());
    }

    #[test]
    fn explicit_root_wins() {
        assert_eq!(resolve_root(Some(Path::new("/s"))).unwrap(), PathBuf::from("/s"));
    }

    #[test]
    fn chroot_store_stands_for_its_nix_directory() {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("nix/var/nix/db")).unwrap();
        fs::write(dir.path().join("nix/var/nix/db/db.sqlite"), b"").unwrap();
        assert_eq!(normalise_root(dir.path()).unwrap(), dir.path().join("nix"));
        assert_eq!(Layout::of(&dir.path().join("nix")).flavor, Flavor::CppNix);
        assert_eq!(Layout::of(dir.path()).flavor, Flavor::Tern);
    }

    #[test]
    fn indirect_root_names_are_cppnix_s() {
        // `nix-build --store /tmp/cs -o /tmp/cs-result2` (CppNix 2.8) made this root.
        assert_eq!(indirect_root_name(Path::new("/tmp/cs-result2")), "6ycaf2c5lvmjd90wa33165pzmsc9md35");
    }

    #[test]
    fn lock_files_follow_the_flavor() {
        let p = StorePath::parse("/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9-a").unwrap();
        let tern = Layout { root: "/r".into(), flavor: Flavor::Tern };
        let cpp = Layout { root: "/nix".into(), flavor: Flavor::CppNix };
        assert_eq!(tern.lock_file(&p), PathBuf::from("/r/var/locks/vmg5na96ajnh1v932j9jdzfc3022vbh9.lock"));
        assert_eq!(cpp.lock_file(&p), PathBuf::from("/nix/store/vmg5na96ajnh1v932j9jdzfc3022vbh9-a.lock"));
        assert_eq!(cpp.log_dir(), PathBuf::from("/nix/var/log/nix/drvs"));
    }
}
