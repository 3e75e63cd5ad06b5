{ a = throw "lazy boom"; }
