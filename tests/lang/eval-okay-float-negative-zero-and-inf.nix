# `-0.0` is `0 - 0.0`, i.e. +0; a real negative zero prints as -0; overflow gives inf
[ (-0.0) (0.0 * -1) (1.0e308 * 10) (-1.0e308 * 10) (toString (1.0e308 * 10)) ]
