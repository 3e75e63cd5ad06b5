# strings compare bytewise
[ ("a" < "b") ("B" < "a") ("" < "a") ("ab" < "abc") ("é" > "z") ("b" >= "b") ("a" <= "A") ]
