# names that are not identifiers are quoted; a' and a-b are identifiers
{ "a b" = 1; "1a" = 2; "a'" = 3; "a-b" = 4; "-a" = 5; "'a" = 6; "" = 7; "a.b" = 8; "_" = 9; "A_1" = 10; "\n" = 11; "\"" = 12; "$" = 13; }
