# --json given after --xml wins, as in nix-instantiate (current versions end --json output
# with a newline; 2.8 did not).
{ a = [ 1 2 ]; }
