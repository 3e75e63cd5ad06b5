# path + string stays a path; the string is appended textually then canonicalised
[ (baseNameOf (./data + "/a.txt")) (builtins.typeOf (./data + "/a.txt")) (./data + "/./a.txt" == ./data/a.txt) (baseNameOf (./data + "/sub/..")) ]
