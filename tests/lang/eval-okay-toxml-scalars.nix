builtins.toXML [ 1 (-5) true false null 1.5 0.1 1.5e30 "" "s" /foo/bar [ ] { } ]
