#!/usr/bin/env bash
# Installs a doppio release binary for this runner's OS and architecture, after
# checking the archive against the release's checksums.txt. Used by action.yml; runs
# anywhere with bash, curl (or wget), tar/unzip and sha256sum (or shasum).
#
# Environment:
#   DOPPIO_VERSION           release to install: "latest" (default), "1.2.3" or "v1.2.3"
#   DOPPIO_RELEASE_BASE_URL  where releases live (default: the project's GitHub
#                            releases); laid out as <base>/latest/download/<asset> and
#                            <base>/download/v<version>/<asset>
#   DOPPIO_INSTALL_DIR       where the binary goes (default: $RUNNER_TEMP/doppio/bin)
#   GITHUB_PATH, GITHUB_OUTPUT  set by GitHub Actions; the install dir is added to the
#                            PATH of later steps, and outputs path and version are set
set -euo pipefail

fail() {
  if [[ "${GITHUB_ACTIONS:-}" == "true" ]]; then
    printf '::error title=doppio install::%s\n' "$1" >&2
  fi
  printf 'doppio install: error: %s\n' "$1" >&2
  exit 1
}

os=""
case "$(uname -s)" in
  Linux) os=linux ;;
  Darwin) os=darwin ;;
  MINGW* | MSYS* | CYGWIN* | Windows_NT) os=windows ;;
  *) fail "unsupported operating system $(uname -s)" ;;
esac
arch=""
case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) fail "unsupported architecture $(uname -m)" ;;
esac
ext=tar.gz
exe=doppio
if [[ "$os" == windows ]]; then
  ext=zip
  exe=doppio.exe
fi
asset="doppio_${os}_${arch}.${ext}"

base="${DOPPIO_RELEASE_BASE_URL:-https://github.com/doppio-ecs/doppio/releases}"
base="${base%/}"
version="${DOPPIO_VERSION:-latest}"
if [[ "$version" == latest ]]; then
  url="$base/latest/download"
else
  url="$base/download/v${version#v}"
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

download() { # URL FILE
  if command -v curl >/dev/null 2>&1; then
    curl -fsSL --retry 3 --retry-delay 2 -o "$2" "$1"
  else
    wget -q --tries=3 -O "$2" "$1"
  fi
}

echo "doppio install: downloading $url/$asset" >&2
download "$url/$asset" "$tmp/$asset" || fail "could not download $url/$asset (is version \"$version\" released for ${os}/${arch}?)"
download "$url/checksums.txt" "$tmp/checksums.txt" || fail "could not download $url/checksums.txt"

want="$(awk -v f="$asset" '$2 == f || $2 == "*" f { print $1; exit }' "$tmp/checksums.txt")"
[[ -n "$want" ]] || fail "checksums.txt of the release has no entry for $asset"
if command -v sha256sum >/dev/null 2>&1; then
  got="$(sha256sum "$tmp/$asset" | awk '{ print $1 }')"
else
  got="$(shasum -a 256 "$tmp/$asset" | awk '{ print $1 }')"
fi
[[ "$got" == "$want" ]] || fail "checksum mismatch for $asset: the release's checksums.txt says $want, the download has $got"

dir="${DOPPIO_INSTALL_DIR:-${RUNNER_TEMP:-${TMPDIR:-/tmp}}/doppio/bin}"
mkdir -p "$tmp/x" "$dir"
if [[ "$ext" == zip ]]; then
  unzip -q "$tmp/$asset" -d "$tmp/x"
else
  tar -xzf "$tmp/$asset" -C "$tmp/x"
fi
[[ -f "$tmp/x/$exe" ]] || fail "$asset has no $exe"
install -m 0755 "$tmp/x/$exe" "$dir/$exe"
dir="$(cd "$dir" && pwd)"

installed="$("$dir/$exe" version 2>/dev/null | head -n 1 || true)"
echo "doppio install: installed $dir/$exe ($installed)" >&2
if [[ -n "${GITHUB_PATH:-}" ]]; then
  echo "$dir" >>"$GITHUB_PATH"
fi
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  {
    echo "path=$dir/$exe"
    echo "version=$version"
  } >>"$GITHUB_OUTPUT"
fi
