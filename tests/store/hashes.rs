//! base32.tsv: digests of short strings in base16, nix32 and base64.

use tern::store::base32;
use tern::store::hash::{hash_string, Hash, HashAlgo, HashFormat};

use crate::support::tsv;

#[test]
fn base32_tsv_every_row() {
    let rows = tsv("base32.tsv");
    assert_eq!(rows.len(), 12);
    for r in rows {
        let (algo, input, hex, nix32, b64) = (&r[0], &r[1], &r[2], &r[3], &r[4]);
        let algo = HashAlgo::parse(algo).unwrap();
        let h = hash_string(algo, input.as_bytes());
        assert_eq!(&h.to_base16(), hex, "{algo} {input:?}");
        assert_eq!(&h.to_nix32(), nix32, "{algo} {input:?}");
        assert_eq!(&h.to_base64(), b64, "{algo} {input:?}");
        assert_eq!(&base32::encode(h.as_bytes()), nix32);
        assert_eq!(base32::decode(nix32).unwrap(), h.as_bytes());

        // Every encoding parses back, bare (length decides) or prefixed.
        for s in [hex, nix32, b64] {
            assert_eq!(Hash::parse_bare(s, algo).unwrap(), h, "{s}");
            assert_eq!(Hash::parse_any(&format!("{algo}:{s}"), None).unwrap(), h);
        }
        assert_eq!(Hash::parse_any(&format!("{algo}-{b64}"), None).unwrap(), h);
        assert_eq!(h.encode(HashFormat::Sri, false), format!("{algo}-{b64}"));
        assert_eq!(h.encode(HashFormat::Nix32, true), format!("{algo}:{nix32}"));
    }
}
