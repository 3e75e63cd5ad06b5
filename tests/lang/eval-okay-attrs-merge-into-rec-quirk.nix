# quirk: attributes merged into a `rec` set are evaluated in that set's scope
{ a = rec { x = 1; }; a.y = x + 1; }
