# // is shallow: nested sets are replaced, not merged
{ a = { x = 1; y = 2; }; b = 1; } // { a = { z = 3; }; }
