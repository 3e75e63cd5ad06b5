let name = "a.txt"; dir = "data"; in
[ (./data/${name} == ./data/a.txt) (./${dir}/${name} == ./data/a.txt) (builtins.typeOf ./${dir}) ]
