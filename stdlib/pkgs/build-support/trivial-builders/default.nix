# Trivial builders: derivations made from a shell snippet or a text.
# `runCommand` and the write* helpers use stdenvNoCC (no compiler, never a
# host suffix); `runCommandCC` has the stage's C compiler.
{
  lib,
  stdenv,
  stdenvNoCC,
}:
let
  runtimeShell = stdenv.shell;

  runCommandWith =
    {
      stdenv ? stdenvNoCC,
      name,
      derivationArgs ? { },
    }:
    buildCommand:
    stdenv.mkDerivation (
      {
        inherit name buildCommand;
        passAsFile = [ "buildCommand" ] ++ (derivationArgs.passAsFile or [ ]);
      }
      // removeAttrs derivationArgs [ "passAsFile" ]
    );

  runCommand =
    name: env:
    runCommandWith {
      stdenv = stdenvNoCC;
      inherit name;
      derivationArgs = env;
    };

  runCommandCC =
    name: env:
    runCommandWith {
      inherit stdenv name;
      derivationArgs = env;
    };

  writeTextFile =
    {
      name,
      text,
      executable ? false,
      destination ? "",
      checkPhase ? "",
      meta ? { },
      derivationArgs ? { },
    }:
    runCommand name
      (
        {
          inherit
            text
            executable
            checkPhase
            meta
            destination
            ;
          passAsFile = [ "text" ];
          preferLocalBuild = true;
          allowSubstitutes = false;
        }
        // derivationArgs
      )
      ''
        target="$out$destination"
        mkdir -p "$(dirname "$target")"
        if [ -e "''${textPath-}" ]; then
          cp "$textPath" "$target"
        else
          printf '%s' "$text" > "$target"
        fi
        if [ -n "$executable" ]; then
          chmod +x "$target"
        fi
        eval "$checkPhase"
      '';

  writeText = name: text: writeTextFile { inherit name text; };

  writeScript =
    name: text:
    writeTextFile {
      inherit name text;
      executable = true;
    };

  writeScriptBin =
    name: text:
    writeTextFile {
      inherit name text;
      executable = true;
      destination = "/bin/${name}";
      meta.mainProgram = name;
    };

  shellCheck = ''
    ${runtimeShell} -n "$target"
  '';

  writeShellScript =
    name: text:
    writeTextFile {
      inherit name;
      executable = true;
      text = "#!${runtimeShell}\n${text}\n";
      checkPhase = shellCheck;
    };

  writeShellScriptBin =
    name: text:
    writeTextFile {
      inherit name;
      executable = true;
      destination = "/bin/${name}";
      text = "#!${runtimeShell}\n${text}\n";
      checkPhase = shellCheck;
      meta.mainProgram = name;
    };

  symlinkJoin =
    {
      name,
      paths,
      postBuild ? "",
      ...
    }@args:
    runCommand name
      (
        removeAttrs args [
          "name"
          "postBuild"
        ]
        // {
          inherit postBuild;
          paths = map toString paths;
          passAsFile = [ "paths" ];
        }
      )
      ''
        mkdir -p "$out"
        for path in $(cat "$pathsPath"); do
          if [ -d "$path" ]; then
            cp -rsf --no-preserve=mode "$path/." "$out/"
          fi
        done
        eval "$postBuild"
      '';

  # A package whose only content is a setup hook (sourced by setup.sh for
  # every derivation that depends on it); `@name@` placeholders are replaced
  # by `substitutions`.
  makeSetupHook =
    {
      name,
      substitutions ? { },
      propagatedBuildInputs ? [ ],
      depsTargetTargetPropagated ? [ ],
      meta ? { },
      passthru ? { },
    }:
    script:
    runCommand name
      {
        inherit
          propagatedBuildInputs
          depsTargetTargetPropagated
          meta
          passthru
          script
          ;
        substitutionNames = lib.concatStringsSep " " (builtins.attrNames substitutions);
        substitutionValues = builtins.concatStringsSep "\n" (map toString (builtins.attrValues substitutions));
      }
      ''
        mkdir -p "$out/nix-support"
        cp "$script" "$out/nix-support/setup-hook"
        chmod u+w "$out/nix-support/setup-hook"
        i=0
        while IFS= read -r value; do
          set -- $substitutionNames
          shift $i
          sed -i -e "s|@$1@|$value|g" "$out/nix-support/setup-hook"
          i=$((i + 1))
        done <<< "$substitutionValues"
      '';
in
{
  inherit
    runCommandWith
    runCommand
    runCommandCC
    writeTextFile
    writeText
    writeScript
    writeScriptBin
    writeShellScript
    writeShellScriptBin
    symlinkJoin
    makeSetupHook
    ;
  runCommandNoCC = runCommand;
}
