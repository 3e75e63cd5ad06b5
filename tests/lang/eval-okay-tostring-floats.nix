# toString of a float uses fixed notation with six decimals (unlike printing)
[ (toString 1.5) (toString 1.0) (toString 0.1) (toString (-1.5)) (toString 123456789.0) (toString 1.0e-7) (toString 1.0e20) "${toString 2.5}" ]
