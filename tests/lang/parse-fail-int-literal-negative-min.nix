# unary minus applies to a positive literal, which does not fit
-9223372036854775808
