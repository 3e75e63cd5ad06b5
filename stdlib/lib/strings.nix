# String functions: concatenation, affixes, escaping for shells/Nix/XML/URLs,
# configure/meson/cmake flag builders, parsing, and edit distances.
{ lib }:
let
  b = builtins;
  inherit (b)
    stringLength
    substring
    concatStringsSep
    replaceStrings
    match
    split
    isString
    genList
    elemAt
    length
    head
    filter
    ;

  concatStrings = concatStringsSep "";

  stringToCharacters = s: genList (p: substring p 1 s) (stringLength s);

  lowerChars = stringToCharacters "abcdefghijklmnopqrstuvwxyz";
  upperChars = stringToCharacters "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
  toLower = replaceStrings upperChars lowerChars;
  toUpper = replaceStrings lowerChars upperChars;

  hasPrefix = pref: str: substring 0 (stringLength pref) str == pref;

  hasSuffix =
    suffix: content:
    let
      lc = stringLength content;
      ls = stringLength suffix;
    in
    lc >= ls && substring (lc - ls) ls content == suffix;

  escape = list: replaceStrings list (map (c: "\\${c}") list);

  escapeRegex = escape (stringToCharacters "\\[{()^$?*+|.");

  escapeNixString = s: escape [ "$" ] (b.toJSON s);

  nixKeywords = [ "if" "then" "else" "assert" "with" "let" "in" "rec" "inherit" "or" ];

  addContextFrom = src: target: substring 0 0 src + target;

  isStringLike = x: isString x || b.isPath x || x ? outPath || x ? __toString;

  # Character <-> code table for printable and control ASCII (NUL excluded).
  asciiCodes = b.listToAttrs (
    genList (
      i:
      let
        code = i + 1;
        hex = lib.strings.fixedWidthString 4 "0" (lib.trivial.toHexString code);
      in
      {
        name = b.fromJSON "\"\\u${hex}\"";
        value = code;
      }
    ) 127
  );

  escapeShellArg =
    arg:
    let
      s = toString arg;
    in
    if match "[[:alnum:],._+:@%/-]+" s == null then "'${replaceStrings [ "'" ] [ "'\\''" ] s}'" else s;

  fixedWidthString =
    width: filler: str:
    let
      have = stringLength str;
      missing = width - have;
    in
    assert lib.asserts.assertMsg (have <= width)
      "fixedWidthString: string ${b.toJSON str} is longer than the requested width ${toString width}";
    if missing <= 0 then str else concatStrings (genList (_: filler) missing) + str;

  levenshtein =
    a: c:
    let
      xs = stringToCharacters a;
      ys = stringToCharacters c;
      ly = length ys;
      firstRow = genList (j: j) (ly + 1);
      nextRow =
        prev: i:
        let
          x = elemAt xs (i - 1);
          row = genList (
            j:
            if j == 0 then
              i
            else
              let
                del = elemAt prev j + 1;
                ins = elemAt row (j - 1) + 1;
                sub = elemAt prev (j - 1) + (if x == elemAt ys (j - 1) then 0 else 1);
              in
              lib.trivial.min (lib.trivial.min del ins) sub
          ) (ly + 1);
        in
        b.deepSeq row row;
      last = b.foldl' nextRow firstRow (genList (i: i + 1) (length xs));
    in
    elemAt last ly;

  trimWith =
    {
      start ? false,
      end ? false,
    }:
    s:
    let
      ws = " \t\r\n";
      regex =
        if start && end then
          "[${ws}]*(.*[^${ws}])[${ws}]*"
        else if start then
          "[${ws}]*(.*)"
        else if end then
          "(.*[^${ws}])[${ws}]*"
        else
          "(.*)";
      m = match regex s;
    in
    if m == null then "" else head m;

  splitString =
    sep: s:
    map (addContextFrom s) (filter isString (split (escapeRegex (toString sep)) (toString s)));

  parseInt =
    who: allowLeadingZeros: str:
    let
      m = match "[[:space:]]*(-?)([[:digit:]]+)[[:space:]]*" str;
      sign = head m;
      digits = elemAt m 1;
      stripped =
        let
          nz = match "0*([1-9][[:digit:]]*)" digits;
        in
        if nz == null then "0" else head nz;
      leadingZero = stringLength digits > 1 && substring 0 1 digits == "0";
      parsed = b.fromJSON (sign + stripped);
      fail = b.throw "${who}: cannot convert ${escapeNixString str} to an integer";
    in
    if m == null then
      fail
    else if leadingZero && !allowLeadingZeros then
      b.throw "${who}: ${escapeNixString str} has a leading zero, which is ambiguous (octal or zero-padded decimal)"
    else if stringLength stripped > 19 || !(b.isInt parsed) then
      fail
    else
      parsed;
in
{
  /**
    The builtins of the same names, re-exported unchanged (see the Nix manual's list of
    built-in functions).
  */
  inherit (b)
    compareVersions
    concatStringsSep
    hasContext
    match
    parseDrvName
    replaceStrings
    split
    splitVersion
    stringLength
    substring
    toString
    unsafeDiscardStringContext
    ;

  /**
    Concatenates a list of strings.

    # Example
    ```nix
    concatStrings [ "foo" "bar" ]
    => "foobar"
    ```
  */
  inherit concatStrings;

  /**
    Maps a function over a list and concatenates the resulting strings.

    # Example
    ```nix
    concatMapStrings (x: "a" + x) [ "foo" "bar" ]
    => "afooabar"
    ```
  */
  concatMapStrings = f: list: concatStrings (map f list);

  /**
    Like `concatMapStrings`, with a 1-based position passed to the function.

    # Example
    ```nix
    concatImapStrings (pos: x: "${toString pos}-${x}") [ "foo" "bar" ]
    => "1-foo2-bar"
    ```
  */
  concatImapStrings = f: list: concatStrings (lib.lists.imap1 f list);

  /**
    Places `separator` between the elements of a list.

    # Example
    ```nix
    intersperse "/" [ "usr" "local" "bin" ]
    => [ "usr" "/" "local" "/" "bin" ]
    ```
  */
  intersperse =
    separator: list:
    if list == [ ] || length list == 1 then list else b.tail (b.concatMap (x: [ separator x ]) list);

  /**
    Maps a function over a list and joins the strings with `sep`.

    # Example
    ```nix
    concatMapStringsSep "-" (x: toUpper x) [ "foo" "bar" ]
    => "FOO-BAR"
    ```
  */
  concatMapStringsSep = sep: f: list: concatStringsSep sep (map f list);

  /**
    Like `concatMapStringsSep`, with a 1-based position passed to the function.

    # Example
    ```nix
    concatImapStringsSep "-" (pos: x: toString (x / pos)) [ 6 6 6 ]
    => "6-3-2"
    ```
  */
  concatImapStringsSep = sep: f: list: concatStringsSep sep (lib.lists.imap1 f list);

  /**
    Maps `f name value` over an attribute set and joins the strings with `sep`.

    # Example
    ```nix
    concatMapAttrsStringSep "\n" (n: v: "${n}=${v}") { a = "1"; b = "2"; }
    => "a=1\nb=2"
    ```
  */
  concatMapAttrsStringSep =
    sep: f: attrs:
    concatStringsSep sep (b.attrValues (b.mapAttrs f attrs));

  /**
    Joins strings, ending each one with a newline.

    # Example
    ```nix
    concatLines [ "foo" "bar" ]
    => "foo\nbar\n"
    ```
  */
  concatLines = list: concatStrings (map (s: s + "\n") list);

  /**
    `n` copies of a string, concatenated.

    # Example
    ```nix
    lib.strings.replicate 3 "v"
    => "vvv"
    ```
  */
  replicate = n: s: concatStrings (genList (_: s) n);

  /**
    A colon-separated search path made of `<path>/<subDir>` for each non-null path.

    # Example
    ```nix
    makeSearchPath "bin" [ "/root" "/usr" ]
    => "/root/bin:/usr/bin"
    ```
  */
  makeSearchPath =
    subDir: paths: concatStringsSep ":" (map (path: path + "/" + subDir) (filter (x: x != null) paths));

  /**
    Like `makeSearchPath`, taking the given output of each package.

    # Example
    ```nix
    makeSearchPathOutput "dev" "bin" [ pkgs.openssl ]
    => "/nix/store/…-openssl-dev/bin"
    ```
  */
  makeSearchPathOutput =
    output: subDir: pkgs:
    lib.strings.makeSearchPath subDir (map (lib.attrsets.getOutput output) pkgs);

  /**
    The `lib` directories of the packages' `lib` outputs, colon separated.
  */
  makeLibraryPath = lib.strings.makeSearchPathOutput "lib" "lib";

  /**
    The `include` directories of the packages' `dev` outputs, colon separated.
  */
  makeIncludePath = lib.strings.makeSearchPathOutput "dev" "include";

  /**
    The `bin` directories of the packages' `bin` outputs, colon separated.

    # Example
    ```nix
    makeBinPath [ "/root" "/usr" ]
    => "/root/bin:/usr/bin"
    ```
  */
  makeBinPath = lib.strings.makeSearchPathOutput "bin" "bin";

  /**
    Collapses runs of `/` into a single slash.

    # Example
    ```nix
    normalizePath "//a//b/"
    => "/a/b/"
    ```
  */
  normalizePath = s: concatStringsSep "/" (filter isString (split "/+" s));

  /**
    `string` if `cond` holds, `""` otherwise.

    # Example
    ```nix
    optionalString true "some-string"
    => "some-string"
    ```
  */
  optionalString = cond: string: if cond then string else "";

  /**
    True if `str` starts with `pref`.

    # Example
    ```nix
    hasPrefix "foo" "foobar"
    => true
    ```
  */
  inherit hasPrefix;

  /**
    True if `content` ends with `suffix`.

    # Example
    ```nix
    hasSuffix "foo" "barfoo"
    => true
    ```
  */
  inherit hasSuffix;

  /**
    True if `infix` occurs anywhere in `content`.

    # Example
    ```nix
    hasInfix "bc" "abcd"
    => true
    ```
  */
  hasInfix = infix: content: match ".*${escapeRegex infix}.*" "${content}" != null;

  /**
    The characters of a string as a list of one-character strings.

    # Example
    ```nix
    stringToCharacters "abc"
    => [ "a" "b" "c" ]
    ```
  */
  inherit stringToCharacters;

  /**
    Maps a function over the characters of a string and concatenates the results.

    # Example
    ```nix
    stringAsChars (x: if x == "a" then "i" else x) "nax"
    => "nix"
    ```
  */
  stringAsChars = f: s: concatStrings (map f (stringToCharacters s));

  /**
    The ASCII code of a one-character string.

    # Example
    ```nix
    charToInt "A"
    => 65
    ```
  */
  charToInt = c: asciiCodes.${c} or (b.throw "charToInt: ${b.toJSON c} is not a single ASCII character");

  /**
    Prefixes each occurrence of the listed characters with a backslash.

    # Example
    ```nix
    escape [ "(" ")" ] "(foo)"
    => "\\(foo\\)"
    ```
  */
  inherit escape;

  /**
    Replaces each listed character by its C-style `\xNN` escape.

    # Example
    ```nix
    escapeC [ " " ] "foo bar"
    => "foo\\x20bar"
    ```
  */
  escapeC =
    list:
    replaceStrings list (
      map (c: "\\x${toLower (fixedWidthString 2 "0" (lib.trivial.toHexString (lib.strings.charToInt c)))}") list
    );

  /**
    Percent-encodes every ASCII character except the unreserved ones (`A-Za-z0-9-_.~`).

    # Example
    ```nix
    escapeURL "foo/bar baz"
    => "foo%2Fbar%20baz"
    ```
  */
  escapeURL =
    let
      unreserved = lowerChars ++ upperChars ++ stringToCharacters "0123456789-_.~";
      toEscape = removeAttrs asciiCodes unreserved;
      names = b.attrNames toEscape;
    in
    replaceStrings names (map (c: "%${fixedWidthString 2 "0" (lib.trivial.toHexString toEscape.${c})}") names);

  /**
    Quotes a string for a POSIX shell; strings made only of safe characters are left bare.

    # Example
    ```nix
    escapeShellArg "esc'ape\nme"
    => "'esc'\\''ape\nme'"
    ```
  */
  inherit escapeShellArg;

  /**
    Quotes each argument with `escapeShellArg` and joins them with spaces.

    # Example
    ```nix
    escapeShellArgs [ "one" "two three" ]
    => "one 'two three'"
    ```
  */
  escapeShellArgs = list: concatStringsSep " " (map escapeShellArg list);

  /**
    True if the string is a valid POSIX shell variable name.

    # Example
    ```nix
    isValidPosixName "foo_bar000"
    => true
    ```
  */
  isValidPosixName = name: match "[a-zA-Z_][a-zA-Z0-9_]*" name != null;

  /**
    A bash assignment for one variable: scalars become `name=value`, lists indexed
    arrays, and attribute sets (that are not string-like) associative arrays.

    # Example
    ```nix
    toShellVar "foo" "some string"
    => "foo='some string'"
    ```
  */
  toShellVar =
    name: value:
    lib.trivial.throwIfNot (lib.strings.isValidPosixName name)
      "toShellVar: ${b.toJSON name} is not a valid shell variable name"
      (
        if b.isAttrs value && !(isStringLike value) then
          "declare -A ${name}=(${
            concatStringsSep " " (
              lib.attrsets.mapAttrsToList (n: v: "[${escapeShellArg n}]=${escapeShellArg v}") value
            )
          })"
        else if b.isList value then
          "declare -a ${name}=(${concatStringsSep " " (map escapeShellArg value)})"
        else
          "${name}=${escapeShellArg value}"
      );

  /**
    `toShellVar` for every attribute, one assignment per line.

    # Example
    ```nix
    toShellVars { a = "1"; b = [ "x" ]; }
    => "a=1\ndeclare -a b=(x)"
    ```
  */
  toShellVars = vars: concatStringsSep "\n" (lib.attrsets.mapAttrsToList lib.strings.toShellVar vars);

  /**
    A Nix string literal (double-quoted, escaped) with the given contents.

    # Example
    ```nix
    escapeNixString "hello\${}\n"
    => "\"hello\\\${}\\n\""
    ```
  */
  inherit escapeNixString;

  /**
    Escapes the characters that are special in POSIX extended regular expressions.

    # Example
    ```nix
    escapeRegex "[^a-z]*"
    => "\\[\\^a-z]\\*"
    ```
  */
  inherit escapeRegex;

  /**
    The string as a Nix attribute name: bare when it is a plain identifier
    (and not a keyword), quoted otherwise.

    # Example
    ```nix
    escapeNixIdentifier "0abc"
    => "\"0abc\""
    ```
  */
  escapeNixIdentifier =
    s:
    if match "[a-zA-Z_][a-zA-Z0-9_'-]*" s != null && !(b.elem s nixKeywords) then
      s
    else
      escapeNixString s;

  /**
    Escapes `"`, `'`, `<`, `>` and `&` as XML entities.

    # Example
    ```nix
    escapeXML ''"test" 'test' < & >''
    => "&quot;test&quot; &apos;test&apos; &lt; &amp; &gt;"
    ```
  */
  escapeXML =
    replaceStrings
      [ "\"" "'" "<" ">" "&" ]
      [ "&quot;" "&apos;" "&lt;" "&gt;" "&amp;" ];

  /**
    The lower-case ASCII letters as a list.
  */
  inherit lowerChars;

  /**
    The upper-case ASCII letters as a list.
  */
  inherit upperChars;

  /**
    Converts ASCII letters to lower case.

    # Example
    ```nix
    toLower "HOME"
    => "home"
    ```
  */
  inherit toLower;

  /**
    Converts ASCII letters to upper case.

    # Example
    ```nix
    toUpper "home"
    => "HOME"
    ```
  */
  inherit toUpper;

  /**
    Upper-cases the first character and lower-cases the rest.

    # Example
    ```nix
    toSentenceCase "hELLO"
    => "Hello"
    ```
  */
  toSentenceCase =
    str:
    lib.trivial.throwIfNot (isString str) "toSentenceCase: expected a string, got a ${b.typeOf str}" (
      addContextFrom str (toUpper (substring 0 1 str) + toLower (substring 1 (stringLength str) str))
    );

  /**
    `target` carrying the string context of `src`.

    # Example
    ```nix
    addContextFrom pkgs.coreutils "bar"
    => "bar"   # with the context of coreutils
    ```
  */
  inherit addContextFrom;

  /**
    Splits a string at every occurrence of the (literal) separator.

    # Example
    ```nix
    splitString "/" "/usr/local/bin"
    => [ "" "usr" "local" "bin" ]
    ```
  */
  inherit splitString;

  /**
    Replaces every occurrence of one string by another.

    # Example
    ```nix
    replaceString "." "-" "a.b.c"
    => "a-b-c"
    ```
  */
  replaceString = from: to: replaceStrings [ from ] [ to ];

  /**
    `str` without the prefix `prefix` (unchanged if it does not start with it).

    # Example
    ```nix
    removePrefix "foo." "foo.bar.baz"
    => "bar.baz"
    ```
  */
  removePrefix =
    prefix: str:
    let
      lp = stringLength prefix;
    in
    if hasPrefix prefix str then substring lp (stringLength str - lp) str else str;

  /**
    `str` without the suffix `suffix` (unchanged if it does not end with it).

    # Example
    ```nix
    removeSuffix "front" "homefront"
    => "home"
    ```
  */
  removeSuffix =
    suffix: str:
    let
      ls = stringLength suffix;
      lstr = stringLength str;
    in
    if hasSuffix suffix str then substring 0 (lstr - ls) str else str;

  /**
    True if version `v1` is older than version `v2` (per `builtins.compareVersions`).

    # Example
    ```nix
    versionOlder "1.1" "1.2"
    => true
    ```
  */
  versionOlder = v1: v2: b.compareVersions v2 v1 == 1;

  /**
    True if version `v1` is equal to or newer than `v2`.

    # Example
    ```nix
    versionAtLeast "1.1" "1.0"
    => true
    ```
  */
  versionAtLeast = v1: v2: b.compareVersions v2 v1 != 1;

  /**
    The package name of a derivation (its `pname`, or parsed from `name`) or of a name string.

    # Example
    ```nix
    getName "youtube-dl-2016.01.01"
    => "youtube-dl"
    ```
  */
  getName =
    x: if isString x then (b.parseDrvName x).name else x.pname or (b.parseDrvName x.name).name;

  /**
    The version of a derivation (its `version`, or parsed from `name`) or of a name string.

    # Example
    ```nix
    getVersion "youtube-dl-2016.01.01"
    => "2016.01.01"
    ```
  */
  getVersion =
    x: if isString x then (b.parseDrvName x).version else x.version or (b.parseDrvName x.name).version;

  /**
    The first `sep`-separated component of the last path component of a URL.

    # Example
    ```nix
    nameFromURL "https://nixos.org/releases/nix/nix-1.7/nix-1.7-x86_64-linux.tar.bz2" "-"
    => "nix"
    ```
  */
  nameFromURL =
    url: sep:
    let
      parts = splitString "/" url;
      file = elemAt parts (length parts - 1);
      name = head (splitString sep file);
    in
    assert lib.asserts.assertMsg (name != file) "nameFromURL: ${b.toJSON file} does not contain ${b.toJSON sep}";
    name;

  /**
    An autoconf `--enable-X` / `--disable-X` flag.

    # Example
    ```nix
    enableFeature false "shared"
    => "--disable-shared"
    ```
  */
  enableFeature =
    flag: feature:
    assert lib.asserts.assertMsg (isString feature) "enableFeature: the feature must be a string";
    "--${if flag then "enable" else "disable"}-${feature}";

  /**
    `enableFeature` with `=value` appended when enabled.

    # Example
    ```nix
    enableFeatureAs true "shared" "foo"
    => "--enable-shared=foo"
    ```
  */
  enableFeatureAs =
    flag: feature: value:
    lib.strings.enableFeature flag feature + (if flag then "=${value}" else "");

  /**
    An autoconf `--with-X` / `--without-X` flag.

    # Example
    ```nix
    withFeature false "shared"
    => "--without-shared"
    ```
  */
  withFeature =
    flag: feature:
    assert lib.asserts.assertMsg (isString feature) "withFeature: the feature must be a string";
    "--${if flag then "with" else "without"}-${feature}";

  /**
    `withFeature` with `=value` appended when enabled.

    # Example
    ```nix
    withFeatureAs true "shared" "foo"
    => "--with-shared=foo"
    ```
  */
  withFeatureAs =
    flag: feature: value:
    lib.strings.withFeature flag feature + (if flag then "=${value}" else "");

  /**
    A Meson `-Dfeature=value` option.

    # Example
    ```nix
    mesonOption "engine" "opengl"
    => "-Dengine=opengl"
    ```
  */
  mesonOption =
    feature: value:
    assert lib.asserts.assertMsg (isString feature && isString value) "mesonOption: feature and value must be strings";
    "-D${feature}=${value}";

  /**
    A Meson boolean option.

    # Example
    ```nix
    mesonBool "hardened" true
    => "-Dhardened=true"
    ```
  */
  mesonBool = condition: flag: lib.strings.mesonOption condition (lib.trivial.boolToString flag);

  /**
    A Meson feature option set to `enabled` or `disabled`.

    # Example
    ```nix
    mesonEnable "docs" false
    => "-Ddocs=disabled"
    ```
  */
  mesonEnable =
    feature: flag: lib.strings.mesonOption feature (if flag then "enabled" else "disabled");

  /**
    A CMake `-Dfeature:TYPE=value` option; the type is one of
    BOOL, FILEPATH, PATH, STRING, INTERNAL (case-insensitive).

    # Example
    ```nix
    cmakeOptionType "string" "ENGINE" "sdl2"
    => "-DENGINE:STRING=sdl2"
    ```
  */
  cmakeOptionType =
    type: feature: value:
    let
      t = toUpper type;
    in
    assert lib.asserts.assertMsg (b.elem t [ "BOOL" "FILEPATH" "PATH" "STRING" "INTERNAL" ])
      "cmakeOptionType: ${b.toJSON type} is not a CMake cache type";
    assert lib.asserts.assertMsg (isString feature && isString value) "cmakeOptionType: feature and value must be strings";
    "-D${feature}:${t}=${value}";

  /**
    A CMake boolean option (`TRUE`/`FALSE`).

    # Example
    ```nix
    cmakeBool "ENABLE_FOO" true
    => "-DENABLE_FOO:BOOL=TRUE"
    ```
  */
  cmakeBool =
    condition: flag:
    lib.strings.cmakeOptionType "bool" condition (toUpper (lib.trivial.boolToString flag));

  /**
    A CMake string option.

    # Example
    ```nix
    cmakeFeature "MODULES" "badblock"
    => "-DMODULES:STRING=badblock"
    ```
  */
  cmakeFeature = feature: value: lib.strings.cmakeOptionType "string" feature value;

  /**
    Left-pads `str` with `filler` up to `width` characters; throws if `str` is longer.

    # Example
    ```nix
    fixedWidthString 5 "0" "10"
    => "00010"
    ```
  */
  inherit fixedWidthString;

  /**
    A number rendered with leading zeros up to `width` digits.

    # Example
    ```nix
    fixedWidthNumber 5 15
    => "00015"
    ```
  */
  fixedWidthNumber = width: n: fixedWidthString width "0" (toString n);

  /**
    Renders a float with `toString`, warning if the text does not read back as the same number.

    # Example
    ```nix
    floatToString 0.5
    => "0.500000"
    ```
  */
  floatToString =
    float:
    let
      text = toString float;
    in
    lib.trivial.warnIf (float != b.fromJSON text) "floatToString: ${text} is not exactly ${b.toJSON float}" text;

  /**
    True for a string-like value naming a top-level store path.

    # Example
    ```nix
    isStorePath "/nix/store/d945ibfx9x185xf04b890y4f9g3cbb63-python-2.7.11"
    => true
    ```
  */
  isStorePath =
    x:
    if isStringLike x then
      let
        s = toString x;
      in
      substring 0 1 s == "/" && dirOf s == b.storeDir && match ".{32}-.+" (baseNameOf s) != null
    else
      false;

  /**
    True for strings, paths, and sets with `outPath` or `__toString`.

    # Example
    ```nix
    isStringLike ./foo
    => true
    ```
  */
  inherit isStringLike;

  /**
    True for values `toString` accepts: string-likes, null, numbers, booleans, and lists of them.

    # Example
    ```nix
    isConvertibleWithToString [ 1 null ]
    => true
    ```
  */
  isConvertibleWithToString =
    x:
    isStringLike x
    || b.elem (b.typeOf x) [ "null" "int" "float" "bool" ]
    || (b.isList x && b.all lib.strings.isConvertibleWithToString x);

  /**
    Parses a decimal integer (surrounding whitespace allowed). Leading zeros are
    rejected as ambiguous; use `toIntBase10` to accept them.

    # Example
    ```nix
    toInt " 1337 "
    => 1337
    ```
  */
  toInt = parseInt "toInt" false;

  /**
    Parses a decimal integer, ignoring leading zeros.

    # Example
    ```nix
    toIntBase10 "00010"
    => 10
    ```
  */
  toIntBase10 = parseInt "toIntBase10" true;

  /**
    The contents of a file without its trailing newline.

    # Example
    ```nix
    fileContents ./version
    => "1.0"
    ```
  */
  fileContents = file: lib.strings.removeSuffix "\n" (b.readFile file);

  /**
    Turns a string into a valid derivation name: drops leading dots and context,
    replaces runs of invalid characters by `-`, keeps the last 207 characters,
    and yields `"unknown"` for an empty result.

    # Example
    ```nix
    sanitizeDerivationName "../hello.bar # foo"
    => "-hello.bar-foo"
    ```
  */
  sanitizeDerivationName =
    string:
    if stringLength string <= 207 && match "[[:alnum:]+_?=-][[:alnum:]+._?=-]*" string != null then
      b.unsafeDiscardStringContext string
    else
      let
        plain = b.unsafeDiscardStringContext string;
        noDots = head (match "\\.*(.*)" plain);
        replaced = concatStrings (map (s: if b.isList s then "-" else s) (split "[^[:alnum:]+._?=-]+" noDots));
        len = stringLength replaced;
        clipped = if len > 207 then substring (len - 207) 207 replaced else replaced;
      in
      if clipped == "" then "unknown" else clipped;

  /**
    The Levenshtein edit distance between two strings.

    # Example
    ```nix
    levenshtein "kitten" "sitting"
    => 3
    ```
  */
  inherit levenshtein;

  /**
    `levenshteinAtMost k a b` is true if the edit distance of `a` and `b` is at most `k`.

    # Example
    ```nix
    levenshteinAtMost 2 "foo" "boa"
    => true
    ```
  */
  levenshteinAtMost =
    k: x: y:
    let
      diff = stringLength x - stringLength y;
    in
    if k <= 0 then
      x == y
    else if diff > k || -diff > k then
      false
    else
      levenshtein x y <= k;

  /**
    The length of the longest common prefix of two strings.

    # Example
    ```nix
    commonPrefixLength "hello" "help"
    => 3
    ```
  */
  commonPrefixLength =
    x: y:
    let
      n = lib.trivial.min (stringLength x) (stringLength y);
      go = i: if i < n && substring i 1 x == substring i 1 y then go (i + 1) else i;
    in
    go 0;

  /**
    The length of the longest common suffix of two strings.

    # Example
    ```nix
    commonSuffixLength "test" "rest"
    => 3
    ```
  */
  commonSuffixLength =
    x: y:
    let
      lx = stringLength x;
      ly = stringLength y;
      n = lib.trivial.min lx ly;
      go = i: if i < n && substring (lx - i - 1) 1 x == substring (ly - i - 1) 1 y then go (i + 1) else i;
    in
    go 0;

  /**
    Removes leading and trailing whitespace (space, tab, CR, LF).

    # Example
    ```nix
    trim "   hello, world!   "
    => "hello, world!"
    ```
  */
  trim = trimWith {
    start = true;
    end = true;
  };

  /**
    Removes whitespace from the start and/or end, as selected by `{ start; end; }`.

    # Example
    ```nix
    trimWith { start = true; } "  a  "
    => "a  "
    ```
  */
  inherit trimWith;
}
