[ (throw "lazy") 1 ]
