# `meta`: information about modules themselves (set with a module's
# top-level `meta` attribute).
{ lib, ... }:
let
  # One documentation file per module, collected by module file.
  docFile = lib.types.path // {
    name = "docFile";
    merge = loc: defs: builtins.listToAttrs (map (d: lib.nameValuePair (toString d.file) d.value) defs);
  };
in
{
  options.meta = {
    maintainers = lib.mkOption {
      type = lib.types.listOf lib.types.raw;
      internal = true;
      default = [ ];
      description = "Maintainers of the modules that define this.";
    };
    doc = lib.mkOption {
      type = docFile;
      internal = true;
      description = "Documentation files of modules, by module file.";
    };
    buildDocsInSandbox = lib.mkOption {
      type = lib.types.bool;
      internal = true;
      default = true;
      description = "Whether the module's documentation can be built in a sandbox.";
    };
  };
}
