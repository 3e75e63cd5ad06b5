//! The metadata database of the local store (`<root>/var/db.sqlite`, or
//! CppNix's own `var/nix/db/db.sqlite` when tern shares CppNix's store).
//!
//! Owns the SQLite schema and every query. The schema follows CppNix's
//! (`ValidPaths`, `Refs`, `DerivationOutputs`) so the data means the same:
//! a path is *valid* iff it has a `ValidPaths` row, which is only written
//! once the object is complete on disk. `hash` holds the NAR hash as
//! `sha256:<hex>` like CppNix 2.8; `ca` the content address text.
//!
//! Several tern processes may share a store: the database runs in WAL mode
//! with a generous busy timeout, and every write is one `BEGIN IMMEDIATE`
//! transaction (taking the write lock up front, so two writers never
//! deadlock upgrading read locks).
//!
//! Knows nothing about files: `local.rs` decides what to register.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, SystemTime};

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::content_address::ContentAddress;
use super::error::{Result, StoreError};
use super::hash::{Hash, HashAlgo};
use super::layout::Flavor;
use super::path::StorePath;

/// Metadata of a valid store path (spec §7.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PathInfo {
    pub path: StorePath,
    /// sha256 of the NAR serialisation.
    pub nar_hash: Hash,
    pub nar_size: u64,
    /// Store paths this object refers to (may include itself).
    pub references: BTreeSet<StorePath>,
    /// The `.drv` that built it (outputs only).
    pub deriver: Option<StorePath>,
    /// How its contents were addressed (text, sources, fixed outputs).
    pub ca: Option<ContentAddress>,
    /// Seconds since the epoch; 0 when registering means "now".
    pub registration_time: i64,
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS ValidPaths (
    id               INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
    path             TEXT UNIQUE NOT NULL,
    hash             TEXT NOT NULL,
    registrationTime INTEGER NOT NULL,
    deriver          TEXT,
    narSize          INTEGER,
    ultimate         INTEGER,
    sigs             TEXT,
    ca               TEXT
);
CREATE TABLE IF NOT EXISTS Refs (
    referrer  INTEGER NOT NULL,
    reference INTEGER NOT NULL,
    PRIMARY KEY (referrer, reference),
    FOREIGN KEY (referrer) REFERENCES ValidPaths(id) ON DELETE CASCADE,
    FOREIGN KEY (reference) REFERENCES ValidPaths(id) ON DELETE RESTRICT
);
CREATE INDEX IF NOT EXISTS IndexReferrer ON Refs(referrer);
CREATE INDEX IF NOT EXISTS IndexReference ON Refs(reference);
CREATE TABLE IF NOT EXISTS DerivationOutputs (
    drv  INTEGER NOT NULL,
    id   TEXT NOT NULL,
    path TEXT NOT NULL,
    PRIMARY KEY (drv, id),
    FOREIGN KEY (drv) REFERENCES ValidPaths(id) ON DELETE CASCADE
);
CREATE INDEX IF NOT EXISTS IndexDerivationOutputs ON DerivationOutputs(path);
-- Paths tern is about to create at their final place (build outputs): what
-- sits there unregistered is then tern's garbage, which it may remove.
CREATE TABLE IF NOT EXISTS Pending (
    path TEXT PRIMARY KEY NOT NULL
);
";

const SCHEMA_VERSION: i64 = 1;

/// How long a writer waits for another process's transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(120);

pub(crate) struct Db {
    conn: Connection,
    flavor: Flavor,
}

fn now() -> i64 {
    SystemTime::now().duration_since(SystemTime::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

impl Db {
    pub(crate) fn open(file: &Path, flavor: Flavor) -> Result<Db> {
        let ctx = || format!("opening '{}'", file.display());
        let conn = Connection::open(file).map_err(|e| StoreError::db(ctx(), e))?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| StoreError::db(ctx(), e))?;
        // journal_mode returns a row, so it is queried rather than executed. Switching a
        // fresh database to WAL needs an exclusive lock, and SQLite does not always wait
        // for it (several processes opening a new store at once), so retry on "busy".
        let started = std::time::Instant::now();
        let mode: String = loop {
            match conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)) {
                Err(rusqlite::Error::SqliteFailure(e, _))
                    if matches!(e.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
                        && started.elapsed() < BUSY_TIMEOUT =>
                {
                    std::thread::sleep(Duration::from_millis(5));
                }
                other => break other.map_err(|e| StoreError::db(ctx(), e))?,
            }
        };
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(StoreError::Other(format!("cannot switch '{}' to WAL mode (got '{mode}')", file.display())));
        }
        conn.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;")
            .map_err(|e| StoreError::db(ctx(), e))?;
        // Stable query plans: the bundled SQLite has STAT4, which otherwise re-prepares a
        // cached statement every time a parameter is re-bound (most of the cost of a
        // validity check).
        conn.set_db_config(rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(|e| StoreError::db(ctx(), e))?;
        let mut db = Db { conn, flavor };
        match flavor {
            Flavor::Tern => db.init_schema()?,
            Flavor::CppNix => db.check_cppnix_tables(file)?,
        }
        Ok(db)
    }

    fn init_schema(&mut self) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::db("creating the schema", e))?;
        let version: i64 = tx
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| StoreError::db("reading the schema version", e))?;
        if version > SCHEMA_VERSION {
            return Err(StoreError::Other(format!(
                "the store database has schema version {version}, newer than this tern ({SCHEMA_VERSION}); upgrade tern"
            )));
        }
        tx.execute_batch(SCHEMA).map_err(|e| StoreError::db("creating the schema", e))?;
        tx.pragma_update(None, "user_version", SCHEMA_VERSION)
            .map_err(|e| StoreError::db("setting the schema version", e))?;
        tx.commit().map_err(|e| StoreError::db("creating the schema", e))
    }

    /// CppNix's database is CppNix's to create and migrate: tern only
    /// checks that the tables it uses are there.
    fn check_cppnix_tables(&self, file: &Path) -> Result<()> {
        for table in ["ValidPaths", "Refs", "DerivationOutputs"] {
            let found = self
                .conn
                .query_row("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", [table], |_| Ok(()))
                .optional()
                .map_err(|e| StoreError::db(format!("reading '{}'", file.display()), e))?;
            if found.is_none() {
                return Err(StoreError::Other(format!(
                    "'{}' has no table {table}: it is not a CppNix store database tern can share",
                    file.display()
                )));
            }
        }
        Ok(())
    }

    fn path_id(conn: &Connection, path: &StorePath) -> Result<Option<i64>> {
        // Cached: validity checks are the most frequent query by far.
        conn.prepare_cached("SELECT id FROM ValidPaths WHERE path = ?1")
            .and_then(|mut stmt| stmt.query_row([path.to_absolute()], |r| r.get(0)).optional())
            .map_err(|e| StoreError::db(format!("looking up '{path}'"), e))
    }

    pub(crate) fn is_valid(&self, path: &StorePath) -> Result<bool> {
        Ok(Db::path_id(&self.conn, path)?.is_some())
    }

    pub(crate) fn query_info(&self, path: &StorePath) -> Result<Option<PathInfo>> {
        let ctx = || format!("querying '{path}'");
        let row = self
            .conn
            .prepare_cached("SELECT id, hash, registrationTime, deriver, narSize, ca FROM ValidPaths WHERE path = ?1")
            .and_then(|mut stmt| {
                stmt.query_row([path.to_absolute()], |r| {
                    Ok((
                        r.get::<_, i64>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, i64>(2)?,
                        r.get::<_, Option<String>>(3)?,
                        r.get::<_, Option<i64>>(4)?,
                        r.get::<_, Option<String>>(5)?,
                    ))
                })
                .optional()
            })
            .map_err(|e| StoreError::db(ctx(), e))?;
        let Some((id, hash, time, deriver, size, ca)) = row else {
            return Ok(None);
        };
        let bad =
            |what: &str, e: StoreError| StoreError::Other(format!("corrupt store database: {what} of '{path}': {e}"));
        Ok(Some(PathInfo {
            path: path.clone(),
            nar_hash: Hash::parse_any(&hash, Some(HashAlgo::Sha256)).map_err(|e| bad("narHash", e))?,
            nar_size: size.unwrap_or(0).max(0) as u64,
            references: self.references_of_id(id, path)?,
            deriver: deriver
                .filter(|d| !d.is_empty())
                .map(|d| StorePath::parse(&d))
                .transpose()
                .map_err(|e| bad("deriver", e))?,
            ca: ca
                .filter(|c| !c.is_empty())
                .map(|c| ContentAddress::parse(&c))
                .transpose()
                .map_err(|e| bad("ca", e))?,
            registration_time: time,
        }))
    }

    fn references_of_id(&self, id: i64, path: &StorePath) -> Result<BTreeSet<StorePath>> {
        let ctx = || format!("querying the references of '{path}'");
        let mut stmt = self
            .conn
            .prepare_cached("SELECT p.path FROM Refs r JOIN ValidPaths p ON p.id = r.reference WHERE r.referrer = ?1")
            .map_err(|e| StoreError::db(ctx(), e))?;
        let rows = stmt.query_map([id], |r| r.get::<_, String>(0)).map_err(|e| StoreError::db(ctx(), e))?;
        let mut out = BTreeSet::new();
        for p in rows {
            out.insert(StorePath::parse(&p.map_err(|e| StoreError::db(ctx(), e))?)?);
        }
        Ok(out)
    }

    /// References of a valid path; `None` if the path is not valid.
    pub(crate) fn references(&self, path: &StorePath) -> Result<Option<BTreeSet<StorePath>>> {
        match Db::path_id(&self.conn, path)? {
            Some(id) => Ok(Some(self.references_of_id(id, path)?)),
            None => Ok(None),
        }
    }

    /// Valid paths that refer to `path`.
    pub(crate) fn referrers(&self, path: &StorePath) -> Result<BTreeSet<StorePath>> {
        let ctx = || format!("querying the referrers of '{path}'");
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT p.path FROM Refs r JOIN ValidPaths p ON p.id = r.referrer \
                 WHERE r.reference = (SELECT id FROM ValidPaths WHERE path = ?1)",
            )
            .map_err(|e| StoreError::db(ctx(), e))?;
        let rows =
            stmt.query_map([path.to_absolute()], |r| r.get::<_, String>(0)).map_err(|e| StoreError::db(ctx(), e))?;
        let mut out = BTreeSet::new();
        for p in rows {
            out.insert(StorePath::parse(&p.map_err(|e| StoreError::db(ctx(), e))?)?);
        }
        Ok(out)
    }

    pub(crate) fn list(&self) -> Result<Vec<StorePath>> {
        let ctx = "listing valid paths";
        let mut stmt =
            self.conn.prepare("SELECT path FROM ValidPaths ORDER BY path").map_err(|e| StoreError::db(ctx, e))?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(|e| StoreError::db(ctx, e))?;
        rows.map(|p| StorePath::parse(&p.map_err(|e| StoreError::db(ctx, e))?)).collect()
    }

    /// Registers `infos` in one transaction. Every reference must be valid
    /// already or be one of `infos`. Re-registering a valid path updates
    /// its hash, size, deriver (if given) and ca, and adds references.
    pub(crate) fn register(&mut self, infos: &[PathInfo]) -> Result<()> {
        let ctx = "registering valid paths";
        let tx =
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| StoreError::db(ctx, e))?;
        let batch: BTreeSet<&StorePath> = infos.iter().map(|i| &i.path).collect();
        for info in infos {
            for r in &info.references {
                if !batch.contains(r) && Db::path_id(&tx, r)?.is_none() {
                    return Err(StoreError::Other(format!(
                        "cannot register '{}': its reference '{r}' is not valid",
                        info.path
                    )));
                }
            }
        }
        let mut ids = BTreeMap::new();
        for info in infos {
            let time = if info.registration_time == 0 { now() } else { info.registration_time };
            // `ultimate`: built or added here, as CppNix marks what it builds.
            tx.execute(
                "INSERT INTO ValidPaths (path, hash, registrationTime, deriver, narSize, ca, ultimate) \
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
                 ON CONFLICT(path) DO UPDATE SET hash = excluded.hash, narSize = excluded.narSize, \
                 deriver = coalesce(excluded.deriver, deriver), ca = coalesce(excluded.ca, ca)",
                params![
                    info.path.to_absolute(),
                    format!("sha256:{}", info.nar_hash.to_base16()),
                    time,
                    info.deriver.as_ref().map(StorePath::to_absolute),
                    i64::try_from(info.nar_size).unwrap_or(i64::MAX),
                    info.ca.as_ref().map(ContentAddress::to_string),
                    info.deriver.as_ref().map(|_| 1),
                ],
            )
            .map_err(|e| StoreError::db(format!("registering '{}'", info.path), e))?;
            let id =
                Db::path_id(&tx, &info.path)?.ok_or_else(|| StoreError::NotValid { path: info.path.to_absolute() })?;
            ids.insert(&info.path, id);
        }
        for info in infos {
            for r in &info.references {
                let rid = match ids.get(r) {
                    Some(&id) => id,
                    None => Db::path_id(&tx, r)?.ok_or_else(|| StoreError::NotValid { path: r.to_absolute() })?,
                };
                tx.execute(
                    "INSERT OR IGNORE INTO Refs (referrer, reference) VALUES (?1, ?2)",
                    params![ids[&info.path], rid],
                )
                .map_err(|e| StoreError::db(format!("registering references of '{}'", info.path), e))?;
            }
        }
        if self.flavor == Flavor::Tern {
            for info in infos {
                tx.execute("DELETE FROM Pending WHERE path = ?1", [info.path.to_absolute()])
                    .map_err(|e| StoreError::db(ctx, e))?;
            }
        }
        tx.commit().map_err(|e| StoreError::db(ctx, e))
    }

    /// Records that tern is about to create `paths` (see `Pending`).
    /// In CppNix's store there is no such record, nor a need for one: every
    /// creator takes the path's lock, so whatever sits unregistered at a
    /// locked path is a leftover, which CppNix replaces too.
    pub(crate) fn mark_pending(&mut self, paths: &[StorePath]) -> Result<()> {
        if self.flavor == Flavor::CppNix {
            return Ok(());
        }
        let ctx = "recording the paths being built";
        let tx =
            self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(|e| StoreError::db(ctx, e))?;
        for p in paths {
            tx.execute("INSERT OR IGNORE INTO Pending (path) VALUES (?1)", [p.to_absolute()])
                .map_err(|e| StoreError::db(ctx, e))?;
        }
        tx.commit().map_err(|e| StoreError::db(ctx, e))
    }

    pub(crate) fn is_pending(&self, path: &StorePath) -> Result<bool> {
        if self.flavor == Flavor::CppNix {
            return Ok(true);
        }
        self.conn
            .query_row("SELECT 1 FROM Pending WHERE path = ?1", [path.to_absolute()], |_| Ok(()))
            .optional()
            .map(|r| r.is_some())
            .map_err(|e| StoreError::db(format!("looking up '{path}'"), e))
    }

    /// Records the output paths of a valid `.drv`.
    pub(crate) fn register_derivation_outputs(
        &mut self,
        drv: &StorePath,
        outputs: &BTreeMap<String, StorePath>,
    ) -> Result<()> {
        let ctx = || format!("registering the outputs of '{drv}'");
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| StoreError::db(ctx(), e))?;
        let id = Db::path_id(&tx, drv)?.ok_or_else(|| StoreError::NotValid { path: drv.to_absolute() })?;
        for (name, path) in outputs {
            tx.execute(
                "INSERT OR REPLACE INTO DerivationOutputs (drv, id, path) VALUES (?1, ?2, ?3)",
                params![id, name, path.to_absolute()],
            )
            .map_err(|e| StoreError::db(ctx(), e))?;
        }
        tx.commit().map_err(|e| StoreError::db(ctx(), e))
    }

    /// Output name → path of a registered `.drv` (empty if unknown).
    pub(crate) fn derivation_outputs(&self, drv: &StorePath) -> Result<BTreeMap<String, StorePath>> {
        let ctx = || format!("querying the outputs of '{drv}'");
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT o.id, o.path FROM DerivationOutputs o JOIN ValidPaths p ON p.id = o.drv \
                 WHERE p.path = ?1",
            )
            .map_err(|e| StoreError::db(ctx(), e))?;
        let rows = stmt
            .query_map([drv.to_absolute()], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
            .map_err(|e| StoreError::db(ctx(), e))?;
        let mut out = BTreeMap::new();
        for row in rows {
            let (name, path) = row.map_err(|e| StoreError::db(ctx(), e))?;
            out.insert(name, StorePath::parse(&path)?);
        }
        Ok(out)
    }
}
