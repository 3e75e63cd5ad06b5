# comparing lists of different length, or sets with different names, does not force the values
[ ([ (throw "a") ] == [ 1 2 ]) ({ a = throw "x"; } == { b = 1; }) ]
