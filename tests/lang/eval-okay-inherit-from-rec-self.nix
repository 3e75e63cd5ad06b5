# inherit (e) where e refers to the rec set's own attributes
rec { s = { a = 1; }; inherit (s) a; }
