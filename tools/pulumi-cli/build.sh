#!/usr/bin/env bash
# Puts the Pulumi CLI this project is checked against into build/tools/pulumi (git-ignored): the CLI at the
# release pinned in go.mod, built from Pulumi's own Go modules, or a `pulumi` on PATH of that minor version
# or newer, linked there instead. What starts the Python policy pack under it: policies/pack-launcher.
# Usage: tools/pulumi-cli/build.sh [OUT_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$(mkdir -p "${1:-$here/../../build/tools}" && cd "${1:-$here/../../build/tools}" && pwd)"
pin="$(sed -nE 's#^(require)?[[:space:]]*github.com/pulumi/pulumi/pkg/v3 (v[0-9.]+).*#\2#p' "$here/go.mod" | head -1)"
[ -n "$pin" ] || { echo "build.sh: no github.com/pulumi/pulumi/pkg/v3 requirement in $here/go.mod" >&2; exit 2; }

# "v3.276.0" -> 3276 ; a version on PATH counts when it is of the pinned minor version or newer.
minor_key() { sed -E 's/^v?([0-9]+)\.([0-9]+)\..*/\1 \2/' <<<"$1" | awk '{ printf "%d", $1 * 1000 + $2 }'; }
if ambient="$(command -v pulumi 2>/dev/null)" && [ "$ambient" != "$out/pulumi" ]; then
  have="$("$ambient" version 2>/dev/null || true)"
  if [[ "$have" =~ ^v[0-9]+\.[0-9]+\. ]] && [ "$(minor_key "$have")" -ge "$(minor_key "$pin")" ]; then
    ln -sf "$ambient" "$out/pulumi"
    echo "pulumi-cli: using $ambient ($have) from PATH (pinned: $pin)"
    exit 0
  fi
fi

if [ -x "$out/pulumi" ] && [ "$("$out/pulumi" version 2>/dev/null || true)" = "$pin" ] \
   && [ "$out/pulumi" -nt "$here/go.sum" ]; then
  echo "pulumi-cli: $out/pulumi is $pin already"
  exit 0
fi
command -v go >/dev/null || { echo "pulumi-cli: Go is needed to build the Pulumi CLI (go.mod: go $(awk '$1 == "go" { print $2 }' "$here/go.mod"))" >&2; exit 2; }
echo "pulumi-cli: building github.com/pulumi/pulumi/pkg/v3/cmd/pulumi $pin (a cold build takes several minutes)"
cd "$here"
rm -f "$out/pulumi"
go build -mod=readonly \
  -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$pin" \
  -o "$out/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
echo "pulumi-cli: $("$out/pulumi" version) in $out"
