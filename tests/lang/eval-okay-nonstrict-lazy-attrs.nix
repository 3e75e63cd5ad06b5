# without --strict, attribute values are not forced, so the throw never fires
{ a = throw "lazy"; b = 1; }
