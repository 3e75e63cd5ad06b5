builtins.isAttrs (throw "isAttrs forces its argument")
