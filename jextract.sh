#!/usr/bin/env bash
# Regenerates bindings/ from native-headers/ with an installed jextract.
#   JEXTRACT_HOME=/path/to/jextract ./jextract.sh      (or jextract on PATH)
# Deterministic: the output depends only on native-headers/, the jextract version and the
# system headers; running it twice changes nothing. The Maven build never runs it.
set -euo pipefail
cd "$(dirname "$0")"

if [[ -n "${JEXTRACT_HOME:-}" && -x "$JEXTRACT_HOME/bin/jextract" ]]; then
  jextract="$JEXTRACT_HOME/bin/jextract"
elif command -v jextract >/dev/null 2>&1; then
  jextract=$(command -v jextract)
else
  echo "jextract.sh: no jextract found: set JEXTRACT_HOME to a jextract build (https://github.com/openjdk/jextract) or put jextract on PATH" >&2
  exit 1
fi

out=bindings/src/main/java
pkg_dir=$out/org/mptcpj/bindings/linux
rm -rf "$pkg_dir"
"$jextract" --output "$out" @native-headers/jextract.args native-headers/mptcpj.h
echo "jextract.sh: $(find "$pkg_dir" -name '*.java' | wc -l) files in $pkg_dir ($("$jextract" --version 2>&1 | tr '\n' ' '))"
