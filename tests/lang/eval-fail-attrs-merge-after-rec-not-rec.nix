# when the plain path comes first, the later `rec` is merged non-recursively
{ a.b = 1; a = rec { c = d + 2; d = 3; }; }.a.c
