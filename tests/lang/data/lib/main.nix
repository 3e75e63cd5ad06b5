let sibling = import ./sibling.nix; parent = import ../simple.nix; in
{ inherit sibling; parentB = parent.b; here = baseNameOf ./.; }
