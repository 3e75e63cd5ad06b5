# paths are resolved relative to the file's directory; print only stable parts
[ (baseNameOf ./data) (baseNameOf ./data/a.txt) (baseNameOf ../lang) (baseNameOf ./.) (builtins.typeOf ./data) ]
