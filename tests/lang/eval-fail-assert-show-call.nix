let f = x: false; in assert f 1; 1
