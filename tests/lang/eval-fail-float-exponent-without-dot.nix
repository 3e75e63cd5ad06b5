# `1e3` lexes as the integer 1 followed by the identifier e3 (an application)
1e3
