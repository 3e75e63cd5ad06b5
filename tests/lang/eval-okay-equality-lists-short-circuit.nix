# list equality stops at the first differing element
[ 1 (throw "not reached") ] == [ 2 (throw "not reached") ]
