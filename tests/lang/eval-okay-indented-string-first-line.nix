# text on the opening line counts towards the indentation computation
[ ''  first
  second
'' ''first
  second
'' ]
