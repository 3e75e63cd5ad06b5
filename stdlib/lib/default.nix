# tern's `lib`: a library with the names and documented behaviour of nixpkgs'
# `lib`, written for tern.  It is an extensible fixed point: every sub-library
# receives the final `lib`, and `lib.extend (final: prev: { … })` adds to it.
# Nothing outside this directory is imported, and every attribute is lazy, so
# using one function only loads the files it needs.
let
  fixedPoints = import ./fixed-points.nix { inherit lib; };

  lib = fixedPoints.makeExtensible (
    self:
    let
      call = file: import file { lib = self; };
    in
    {
      # Sub-libraries, one per file.
      trivial = call ./trivial.nix;
      fixedPoints = call ./fixed-points.nix;
      attrsets = call ./attrsets.nix;
      lists = call ./lists.nix;
      strings = call ./strings.nix;
      customisation = call ./customisation.nix;
      asserts = call ./asserts.nix;
      debug = call ./debug.nix;
      versions = call ./versions.nix;
      meta = call ./meta.nix;
      systems = call ./systems;
      modules = call ./modules.nix;
      options = call ./options.nix;
      types = call ./types.nix;

      /**
        NixOS-lite: `lib.nixosSystem { system; modules; specialArgs; }` evaluates a
        system configuration, as a flake's `nixpkgs.lib.nixosSystem` does. It is the only
        part of `lib` that reaches outside this directory, and it is imported only when
        called.
      */
      nixosSystem =
        args:
        import ../nixos/lib/eval-config.nix (
          {
            lib = self;
            system = null;
          }
          // args
        );

      # `meta.platforms` values, as in nixpkgs.
      platforms = self.systems.doubles;

      # Builtins nixpkgs' lib re-exports at top level.
      inherit (builtins)
        add
        addErrorContext
        attrNames
        attrValues
        catAttrs
        concatLists
        concatMap
        concatStringsSep
        deepSeq
        elem
        elemAt
        filter
        genericClosure
        genList
        getAttr
        hasAttr
        head
        intersectAttrs
        isAttrs
        isBool
        isFloat
        isInt
        isList
        isPath
        isString
        length
        lessThan
        listToAttrs
        mapAttrs
        match
        partition
        pathExists
        readFile
        removeAttrs
        replaceStrings
        seq
        sort
        split
        stringLength
        sub
        substring
        tail
        typeOf
        ;

      inherit (self.trivial)
        id
        const
        pipe
        concat
        or
        and
        xor
        bitAnd
        bitOr
        bitXor
        bitNot
        boolToString
        boolToYesNo
        mergeAttrs
        flip
        defaultTo
        mapNullable
        inNixShell
        inPureEvalMode
        min
        max
        importJSON
        importTOML
        warn
        warnIf
        warnIfNot
        throwIf
        throwIfNot
        checkListOfEnum
        info
        showWarnings
        version
        release
        codeName
        versionSuffix
        isInOldestRelease
        oldestSupportedRelease
        mod
        compare
        splitByAndCompare
        functionArgs
        setFunctionArgs
        isFunction
        toFunction
        mirrorFunctionArgs
        toHexString
        fromHexString
        toBaseDigits
        ;

      inherit (self.fixedPoints)
        fix
        fix'
        converge
        extends
        composeExtensions
        composeManyExtensions
        makeExtensible
        makeExtensibleWithCustomName
        toExtension
        ;

      inherit (self.attrsets)
        attrByPath
        hasAttrByPath
        setAttrByPath
        getAttrFromPath
        attrVals
        getAttrs
        filterAttrs
        filterAttrsRecursive
        foldlAttrs
        foldAttrs
        collect
        nameValuePair
        mapAttrs'
        mapAttrsToList
        mapAttrsFlatten
        attrsToList
        concatMapAttrs
        mapAttrsRecursive
        mapAttrsRecursiveCond
        genAttrs
        genAttrs'
        isDerivation
        optionalAttrs
        zipAttrsWithNames
        zipAttrsWith
        zipAttrs
        recursiveUpdateUntil
        recursiveUpdate
        matchAttrs
        mergeAttrsList
        overrideExisting
        showAttrPath
        getOutput
        getFirstOutput
        getBin
        getLib
        getStatic
        getDev
        getInclude
        getMan
        chooseDevOutputs
        recurseIntoAttrs
        dontRecurseIntoAttrs
        cartesianProduct
        cartesianProductOfSets
        mapCartesianProduct
        updateManyAttrsByPath
        unionOfDisjoint
        ;

      inherit (self.lists)
        singleton
        forEach
        foldr
        fold
        foldl
        foldl'
        imap0
        imap1
        ifilter0
        flatten
        remove
        findSingle
        findFirst
        findFirstIndex
        any
        all
        count
        optional
        optionals
        toList
        range
        replicate
        groupBy
        groupBy'
        zipListsWith
        zipLists
        reverseList
        listDfs
        toposort
        sortOn
        naturalSort
        compareLists
        take
        drop
        takeEnd
        dropEnd
        sublist
        last
        init
        crossLists
        unique
        allUnique
        intersectLists
        subtractLists
        mutuallyExclusive
        replaceElemAt
        ;

      inherit (self.strings)
        concatStrings
        concatMapStrings
        concatImapStrings
        intersperse
        concatMapStringsSep
        concatImapStringsSep
        concatMapAttrsStringSep
        concatLines
        makeSearchPath
        makeSearchPathOutput
        makeLibraryPath
        makeIncludePath
        makeBinPath
        normalizePath
        optionalString
        hasPrefix
        hasSuffix
        hasInfix
        stringToCharacters
        stringAsChars
        charToInt
        escape
        escapeC
        escapeURL
        escapeShellArg
        escapeShellArgs
        isValidPosixName
        toShellVar
        toShellVars
        escapeNixString
        escapeRegex
        escapeNixIdentifier
        escapeXML
        lowerChars
        upperChars
        toLower
        toUpper
        toSentenceCase
        addContextFrom
        splitString
        replaceString
        removePrefix
        removeSuffix
        versionOlder
        versionAtLeast
        getName
        getVersion
        nameFromURL
        enableFeature
        enableFeatureAs
        withFeature
        withFeatureAs
        mesonOption
        mesonBool
        mesonEnable
        cmakeOptionType
        cmakeBool
        cmakeFeature
        fixedWidthString
        fixedWidthNumber
        floatToString
        isStorePath
        isStringLike
        isConvertibleWithToString
        toInt
        toIntBase10
        fileContents
        sanitizeDerivationName
        levenshtein
        levenshteinAtMost
        commonPrefixLength
        commonSuffixLength
        trim
        trimWith
        ;

      inherit (self.customisation)
        overrideDerivation
        makeOverridable
        callPackageWith
        callPackagesWith
        extendDerivation
        makeScope
        ;

      inherit (self.meta)
        addMetaAttrs
        dontDistribute
        setName
        updateName
        appendToName
        mapDerivationAttrset
        setPrio
        lowPrio
        lowPrioSet
        hiPrio
        hiPrioSet
        platformMatch
        availableOn
        getExe
        getExe'
        ;

      inherit (self.asserts) assertMsg assertOneOf assertEachOneOf;

      inherit (self.modules)
        evalModules
        setDefaultModuleLocation
        unifyModuleSyntax
        applyModuleArgsIfFunction
        mergeModules
        mergeModules'
        mergeOptionDecls
        evalOptionValue
        mergeDefinitions
        pushDownProperties
        dischargeProperties
        filterOverrides
        sortProperties
        fixupOptionType
        mkIf
        mkAssert
        mkMerge
        mkOverride
        mkOptionDefault
        mkDefault
        mkImageMediaOverride
        mkForce
        mkVMOverride
        mkFixStrictness
        mkOrder
        mkBefore
        mkAfter
        mkAliasDefinitions
        mkAliasAndWrapDefinitions
        mkAliasIfDef
        mkAliasAndWrapDefsWithPriority
        mkDerivedConfig
        doRename
        mkRenamedOptionModule
        mkRenamedOptionModuleWith
        mkRemovedOptionModule
        mkAliasOptionModule
        mkChangedOptionModule
        mkMergedOptionModule
        defaultOverridePriority
        defaultOrderPriority
        defaultPriority
        ;

      inherit (self.options)
        isOption
        mkEnableOption
        mkSinkUndeclaredOptions
        mergeDefaultOption
        mergeOneOption
        mergeEqualOption
        mergeUniqueOption
        getValues
        getFiles
        optionAttrSetToDocList
        scrubOptionValue
        literalExpression
        literalExample
        literalMD
        showOption
        showFiles
        showDefs
        unknownModule
        mkOption
        mkPackageOption
        mkPackageOptionMD
        mdDoc
        ;

      inherit (self.types)
        isType
        setType
        defaultTypeMerge
        defaultFunctor
        isOptionType
        mkOptionType
        ;

      inherit (self.debug)
        traceIf
        traceVal
        traceValFn
        traceSeq
        traceValSeq
        traceValSeqFn
        runTests
        testAllTrue
        ;
    }
  );
in
lib
