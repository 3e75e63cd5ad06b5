# path + string yields a path (no store copy); string + path would copy to the store
[ (builtins.typeOf (./data + "/a.txt")) (./data + "/a.txt" == ./data/a.txt) (baseNameOf (./data + "x")) ]
