# Attribute values escape " < > & and newline only.
builtins.toXML { "a<b" = "x\"<>&\n'y\t\r"; "&" = [ "é" "]]>" ]; }
