# attribute names are printed like string literals: only "${" is escaped (Nix 2.8 escaped every $)

{ "$" = "$"; "a$" = "a$"; "$a" = "$a"; "${"$"}{" = "${"$"}{"; }
