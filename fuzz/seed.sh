#!/bin/sh
# Seeds both fuzz corpora from the language test suite (run from fuzz/).
set -e
for target in parse eval; do
    mkdir -p corpus/$target
    cp ../tests/lang/*.nix corpus/$target/
done
