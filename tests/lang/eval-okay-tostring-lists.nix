# lists are flattened and joined with spaces; null and bools coerce too
[ (toString [ 1 2 ]) (toString [ 1 [ 2 3 ] "a" ]) (toString [ true false ]) (toString [ 1 null 2 ]) (toString [ ]) ]
