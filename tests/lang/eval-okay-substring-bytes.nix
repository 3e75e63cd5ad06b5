# substring works on bytes and can split a UTF-8 sequence (the output then holds a lone 0xC3 byte)
[ (builtins.substring 0 2 "é!") (builtins.stringLength (builtins.substring 0 1 "é")) (builtins.substring 0 1 "é") ]
