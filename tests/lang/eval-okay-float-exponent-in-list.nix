# `1e3` is NOT a float: it lexes as the int 1 followed by the identifier e3.
# In a list, elements are not applied to each other, so this is a two-element list.
let e3 = 1; in [ 1e3 1.0e3 ]
