# `or` may be used as an attribute name
{ or = 1; }.or
