# `0.` is not a float (only [1-9][0-9]*. may omit the fraction): it is 0 followed by a selection dot
[ 0. ]
