# Sourced by the stdlib test runners. expect_error NAME EXPR: EXPR must fail to
# evaluate; its standard error is left in "$tmp/err". When EXPR evaluates, the
# test is counted as failed and the function returns 1. Needs $nix_instantiate,
# $tmp and the $failed counter of the runner.
expect_error() {
  if "$nix_instantiate" --eval --strict -E "$2" >/dev/null 2>"$tmp/err"; then
    echo "FAIL  $1: expected an evaluation error"
    failed=$((failed + 1))
    return 1
  fi
}
