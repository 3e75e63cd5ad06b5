# values are collected in list order; names come out sorted
builtins.zipAttrsWith (name: values: { inherit name values; }) [ { b = 1; a = 2; } { a = 3; } { } { b = 4; c = 5; } ]
