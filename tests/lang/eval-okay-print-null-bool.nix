[ null true false { n = null; t = true; } ]
