let x = true; in assert !x; 1
