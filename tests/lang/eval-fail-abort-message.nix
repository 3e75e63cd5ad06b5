abort "nope"
