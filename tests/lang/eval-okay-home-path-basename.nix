# ~/... is a path relative to $HOME; print only a stable part
[ (builtins.typeOf ~/foo) (baseNameOf ~/foo/bar) ]
