[ (builtins.splitVersion "1.2.3") (builtins.splitVersion "2.3pre1") (builtins.splitVersion "1_2-3") (builtins.splitVersion "") (builtins.splitVersion "abc") ]
