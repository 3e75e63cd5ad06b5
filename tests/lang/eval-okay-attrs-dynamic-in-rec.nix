# a dynamic key in a rec set may refer to the set's other attributes
rec { x = "k"; ${x} = 1; y = 2; }
