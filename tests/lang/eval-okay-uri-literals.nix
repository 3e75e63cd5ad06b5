# URI literals are strings
[ https://x.org/a?b=c http://a.b/c foo:bar a+b:c (builtins.typeOf mailto:x@y.z) ]
