# Builder of bootstrap-tools (run by /bin/sh with an empty environment):
# links this machine's basic tools into $out/bin.
PATH=/usr/bin:/bin
set -e
mkdir -p "$out/bin"
missing=""
for pair in $tools; do
  tool=${pair%%=*}
  package=${pair#*=}
  found=""
  for dir in /usr/bin /bin; do
    if [ -x "$dir/$tool" ]; then
      found="$dir/$tool"
      break
    fi
  done
  if [ -z "$found" ]; then
    missing="$missing $package"
    echo "bootstrap-tools: this machine has no $tool (Debian package: $package)" >&2
  else
    ln -s "$found" "$out/bin/$tool"
  fi
done
if [ -n "$missing" ]; then
  echo "bootstrap-tools: install the missing tools with: apt-get install -y$missing" >&2
  exit 1
fi
