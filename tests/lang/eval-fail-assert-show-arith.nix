assert 1 + 2 == 4; 1
