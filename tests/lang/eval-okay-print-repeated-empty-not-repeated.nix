# empty sets and lists are never shown as «repeated»
let s = { }; l = [ ]; in [ s s l l ]
