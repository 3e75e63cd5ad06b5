# paths are canonicalised: "." and ".." components and duplicate slashes vanish
[ (./data/../data/./a.txt == ./data/a.txt) (baseNameOf ./data/sub/..) (toString ./data/. == toString ./data) ]
