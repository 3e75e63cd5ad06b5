# Read under `scopedImport { s = …; }`: closures here skip frames down to the scope's own.
let unused = 1; in { get = _: s; add = x: let y = x; in z: s + y + z; }
