# whitespace around the selection dot is allowed
({ a = { b = 1; }; }).a . b
