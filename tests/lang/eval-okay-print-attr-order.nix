# attributes print sorted by name in byte order (uppercase before lowercase, _ between)
{ b = 1; a = 2; B = 3; _c = 4; "10" = 5; "9" = 6; aa = 7; "a-b" = 8; "é" = 9; z = 10; "" = 11; }
