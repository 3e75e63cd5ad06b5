# `derivation`: the lazy face of `derivationStrict`, embedded in tern.
#
# Given the attributes `attrs`, the result is one attribute set per declared output, each
# holding `attrs`, every output by name, `all` (the per-output sets in declared order),
# `drvAttrs`, and its own `outPath`, `drvPath`, `type` and `outputName`; the set of the
# first declared output is returned. Only `outPath` and `drvPath` need derivationStrict,
# so `name`, `type`, `outputName` and `drvAttrs` can be read without instantiating.
attrs@{ outputs ? [ "out" ], ... }:
let
  instantiated = derivationStrict attrs;

  forOutput = outputName: shared // {
    outPath = instantiated.${outputName};
    drvPath = instantiated.drvPath;
    type = "derivation";
    inherit outputName;
  };

  byOutput = map (name: { inherit name; value = forOutput name; }) outputs;

  shared = attrs // builtins.listToAttrs byOutput // {
    all = map (entry: entry.value) byOutput;
    drvAttrs = attrs;
  };
in
(builtins.head byOutput).value
