# inherit (e) does not evaluate e until an inherited attribute is used
let s = { inherit (throw "not used") a; b = 1; }; in s.b
