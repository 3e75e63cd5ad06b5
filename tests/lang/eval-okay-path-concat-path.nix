# path + path concatenates the second (absolute) path onto the first
[ (builtins.typeOf (./data + ./data)) (baseNameOf (./. + ./data)) ]
