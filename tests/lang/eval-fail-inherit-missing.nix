let s = { a = 1; }; in { inherit (s) z; }.z
