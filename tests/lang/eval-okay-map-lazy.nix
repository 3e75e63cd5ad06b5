# map does not apply the function until an element is used
builtins.length (map (x: throw "not applied") [ 1 2 3 ])
