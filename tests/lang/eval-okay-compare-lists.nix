# lists compare lexicographically, element by element
[ ([ 1 2 ] < [ 1 3 ]) ([ 1 ] < [ 1 2 ]) ([ ] < [ 1 ]) ([ 2 ] < [ 1 5 ]) ([ "a" 9 ] < [ "b" ]) ([ [ 1 ] ] < [ [ 2 ] ]) ([ 1 "a" ] < [ 2 2 ]) ]
