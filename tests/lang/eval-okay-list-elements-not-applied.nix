# list elements are not applied to each other: this is a four-element list
let f = x: x; in [ f 1 (f 2) f ]
