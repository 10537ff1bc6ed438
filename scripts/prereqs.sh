#!/usr/bin/env bash
# prereqs.sh — checks everything `make test` and `make demo` need before they start,
# installs what a package manager can install when run as root, and otherwise prints
# the one command that installs each missing tool and fails. It never skips a part of
# the tests and never installs from PyPI.
#
#   scripts/prereqs.sh test|demo|sandbox [--no-install]
#
# DOPPIO_PREREQS_INSTALL=0 has the same effect as --no-install.
#
# What each target needs:
#   go               every target (the Go toolchain named in go.mod)
#   moto_server      every target: moto 5.2.1 with its [server] extras, the sandbox's
#                    source of truth for AWS state
#   docker-registry  test: Debian's docker-registry (the CNCF distribution registry),
#                    which the verify tests run as a real OCI registry on loopback
# Nothing else: the demo prepares the sandbox account with a Go helper (no aws CLI),
# and the exec tests play session-manager-plugin with a stand-in built from the test
# binary itself, so no plugin is installed.
set -uo pipefail

target=${1:-test}
install=${DOPPIO_PREREQS_INSTALL:-1}
[ "${2:-}" = "--no-install" ] && install=0
case "$target" in
test | demo | sandbox) ;;
*)
  echo "usage: scripts/prereqs.sh test|demo|sandbox [--no-install]" >&2
  exit 2
  ;;
esac

want_moto=5.2.1
missing=0
fail() {
  # fail TOOL WHY INSTALL-COMMAND
  printf 'error: %s is missing: %s\n       install it with: %s\n' "$1" "$2" "$3" >&2
  missing=$((missing + 1))
}

have_apt() { command -v apt-get >/dev/null 2>&1; }

# apt_install PACKAGE: install with apt-get when running as root on Debian/Ubuntu
# (and installing is allowed); reports whether it ran.
apt_install() {
  [ "$install" = 1 ] && [ "${EUID:-$(id -u)}" = 0 ] && have_apt || return 1
  echo "prereqs: installing $1 with apt-get" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1"; } >&2
}

apt_hint() {
  if have_apt; then
    if [ "${EUID:-$(id -u)}" = 0 ]; then echo "apt-get update && apt-get install -y $1"; else echo "sudo apt-get update && sudo apt-get install -y $1"; fi
  else
    echo "$2"
  fi
}

# --- go ---------------------------------------------------------------------------
if ! command -v go >/dev/null 2>&1; then
  fail go "doppio is built and tested with the Go toolchain (go.mod names the version)" \
    "see https://go.dev/doc/install (Go 1.26 or newer)"
fi

# --- moto_server 5.2.1 --------------------------------------------------------------
# moto_server is a Python console script; its version is that of the moto package in
# the interpreter named on its #! line (through pyenv's shim when there is one).
moto_python() {
  local bin line py
  bin=$(command -v moto_server) || return 1
  if command -v pyenv >/dev/null 2>&1; then
    bin=$(pyenv which moto_server 2>/dev/null) || bin=$(command -v moto_server)
  fi
  IFS= read -r line <"$bin" || true
  py=${line#\#!}
  py=${py# }
  case "$py" in
  */python* | */pypy*) [ -x "${py%% *}" ] && { echo "${py%% *}"; return 0; } ;;
  esac
  command -v python3 2>/dev/null
}
if ! command -v moto_server >/dev/null 2>&1; then
  fail moto_server "the sandbox (the local AWS every end-to-end test and the demo run against) needs moto $want_moto with its [server] extras on PATH" \
    "python3 -m venv ~/.moto && ~/.moto/bin/pip install 'moto[server]==$want_moto' && export PATH=\$HOME/.moto/bin:\$PATH"
else
  py=$(moto_python) || py=""
  got=""
  [ -n "$py" ] && got=$("$py" -c 'import moto; print(moto.__version__)' 2>/dev/null)
  if [ "$got" != "$want_moto" ]; then
    fail "moto_server $want_moto" "found moto ${got:-of unknown version} at $(command -v moto_server); the sandbox is written against moto $want_moto's behaviour" \
      "pip install 'moto[server]==$want_moto' in the Python environment that provides moto_server"
  fi
fi

# --- docker-registry (test only) ----------------------------------------------------
if [ "$target" = test ] && ! command -v docker-registry >/dev/null 2>&1; then
  apt_install docker-registry || true
  if ! command -v docker-registry >/dev/null 2>&1; then
    fail docker-registry "the verify tests run Debian's docker-registry as a real OCI registry on 127.0.0.1" \
      "$(apt_hint docker-registry 'brew install distribution && ln -s "$(brew --prefix)/bin/registry" /usr/local/bin/docker-registry')"
  fi
fi

if [ "$missing" -gt 0 ]; then
  echo "prereqs: $missing prerequisite(s) of 'make $target' missing; nothing was run" >&2
  exit 1
fi
echo "prereqs: ok for 'make $target' (go, moto_server $want_moto$([ "$target" = test ] && echo ", docker-registry"))" >&2
