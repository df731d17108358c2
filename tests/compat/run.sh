#!/usr/bin/env bash
# The compatibility suite: real third-party clients (curl, openssl s_client, the
# mysql command-line client, Python drivers) against the real daemon.
# Installs its Python clients into a virtualenv beside this script.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
top="$(cd "$here/../.." && pwd)"

cargo build --manifest-path "$top/Cargo.toml" --bin searchd
export SEARCHD_BIN="$top/target/debug/searchd"
export SEARCHD_CERTS="$top/certs"

venv="$here/.venv"
py="${PYTHON:-python3}"
if [ ! -x "$venv/bin/python" ]; then
    "$py" -m venv "$venv"
fi
"$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"

cd "$here"
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
