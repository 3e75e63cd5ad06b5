# current Nix quotes every reserved keyword except `or` (Nix 2.8 quoted only "if")
{ "if" = 1; "then" = 2; "else" = 3; "let" = 4; "in" = 5; "rec" = 6; "with" = 7; "inherit" = 8; "assert" = 9; "or" = 10; "true" = 11; "null" = 12; }
