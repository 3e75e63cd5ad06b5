# // does not force attribute values
({ a = throw "left"; b = 1; } // { a = 2; c = throw "right"; }).b
