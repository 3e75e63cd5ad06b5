[ (if true then 1 else 2) (if false then 1 else 2) (if 1 < 2 then "y" else throw "lazy") (if null == null then if false then 1 else 2 else 3) ]
