#!/usr/bin/env bash
# Verify every case in tests/lang/ (and tests/lang/newer/) against CppNix.
#   eval-okay-X.nix  : `nix-instantiate --eval <flags> X.nix` (flags from
#                      X.flags, default --strict) exits 0 and stdout == X.exp
#   eval-fail-X.nix  : `nix-instantiate --eval <flags> X.nix` exits 1 and
#                      stderr contains every line of X.err.exp
#   parse-fail-X.nix : `nix-instantiate --parse X.nix` exits 1 and stderr
#                      contains every line of X.err.exp
# Cases are run from inside the directory that holds them.
# Usage: check-with-cppnix.sh [-v]      (needs nix-instantiate on PATH)
# Problems in newer/ are reported separately (expected to fail on Nix 2.8).
set -u
cd "$(dirname "$0")" || exit 2
verbose=0; [ "${1:-}" = -v ] && verbose=1
NIX=${NIX_INSTANTIATE:-nix-instantiate}
# The environment tests/lang.rs gives tern (eval-okay-builtin-getEnv reads TEST_VAR).
export TEST_VAR=foo
problems=0; newer_problems=0; total=0
declare -A kinds
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT

report() { # dir file message
    if [ "$1" = newer ]; then
        newer_problems=$((newer_problems + 1)); echo "newer/$2: $3 (expected on 2.8)"
    else
        problems=$((problems + 1)); echo "PROBLEM $2: $3"
    fi
}

check_dir() {
    local dir=$1 f base kind flags rc line
    for f in "$dir"/*.nix; do
        [ -e "$f" ] || continue
        base=$(basename "$f" .nix)
        case $base in
            eval-okay-*) kind=eval-okay ;;
            eval-fail-*) kind=eval-fail ;;
            parse-fail-*) kind=parse-fail ;;
            *) continue ;;
        esac
        total=$((total + 1)); kinds[$kind]=$(( ${kinds[$kind]:-0} + 1 ))
        if [ -e "$dir/$base.flags" ]; then
            read -r -a flags < "$dir/$base.flags" || true
        else
            flags=(--strict)
        fi
        case $kind in
        eval-okay)
            ( cd "$dir" && "$NIX" --eval "${flags[@]}" "$base.nix" ) >"$tmp/out" 2>"$tmp/err"; rc=$?
            if [ $rc -ne 0 ]; then report "$dir" "$base" "exit code $rc: $(head -c 300 "$tmp/err")"; continue; fi
            if [ ! -e "$dir/$base.exp" ]; then report "$dir" "$base" "missing .exp"; continue; fi
            if ! cmp -s "$tmp/out" "$dir/$base.exp"; then
                report "$dir" "$base" "output differs"
                [ $verbose = 1 ] && diff "$dir/$base.exp" "$tmp/out" | head -20
            fi ;;
        eval-fail|parse-fail)
            if [ $kind = eval-fail ]; then
                ( cd "$dir" && "$NIX" --eval "${flags[@]}" "$base.nix" ) >"$tmp/out" 2>"$tmp/err"; rc=$?
            else
                ( cd "$dir" && "$NIX" --parse "$base.nix" ) >"$tmp/out" 2>"$tmp/err"; rc=$?
            fi
            if [ $rc -ne 1 ]; then report "$dir" "$base" "exit code $rc (want 1)"; continue; fi
            if [ ! -s "$dir/$base.err.exp" ]; then report "$dir" "$base" "missing or empty .err.exp"; continue; fi
            while IFS= read -r line || [ -n "$line" ]; do
                [ -z "$line" ] && continue
                if ! grep -qF -- "$line" "$tmp/err"; then
                    report "$dir" "$base" "stderr lacks: $line"
                    [ $verbose = 1 ] && sed 's/^/    /' "$tmp/err" | head -5
                fi
            done < "$dir/$base.err.exp" ;;
        esac
    done
}

check_dir .
main_problems=$problems
check_dir newer
echo "cases: $total (eval-okay ${kinds[eval-okay]:-0}, eval-fail ${kinds[eval-fail]:-0}, parse-fail ${kinds[parse-fail]:-0})"
echo "problems: $main_problems (plus $newer_problems in newer/, which describe post-2.8 behaviour)"
[ $main_problems -eq 0 ]
