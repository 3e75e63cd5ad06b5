# quirk: no separator is emitted after an element that is an empty list
[ (toString [ [ ] [ ] ]) (toString [ 1 [ ] 2 ]) (toString [ 1 [ 2 3 ] null "a" [ ] ]) (toString [ [ ] 1 ]) ]
