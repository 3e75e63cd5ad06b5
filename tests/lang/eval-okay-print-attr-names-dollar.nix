# quirk: in quoted attribute names every $ is escaped as \$,
# while in string values only a "${" gets escaped
{ "$" = "$"; "a$" = "a$"; "$a" = "$a"; "${"$"}{" = "${"$"}{"; }
