throw "thrown in imported file"
