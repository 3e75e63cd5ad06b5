# the closure keeps the first element seen for each key, in the order they were reached
builtins.genericClosure {
  startSet = [ { key = 5; from = "start"; } { key = 5; from = "duplicate"; } ];
  operator = e: if e.key <= 1 then [ ] else [ { key = e.key / 2; from = e.key; } { key = e.key - 1; from = e.key; } ];
}
