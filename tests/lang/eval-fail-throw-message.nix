throw "nope"
