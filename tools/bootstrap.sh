#!/usr/bin/env bash
# Install the system packages a fresh Debian/Ubuntu machine lacks, then nothing else.
#   tools/bootstrap.sh site   — what `make site` needs (Python venv, Pango for WeasyPrint)
#   tools/bootstrap.sh test   — plus what the tests need (Chromium, nginx, Poppler, Java,
#                                minisign, kiwix-tools)
# Checks first, so on a prepared machine it does nothing and needs no network or root.
set -euo pipefail

need=()
have_cmd() { command -v "$1" >/dev/null 2>&1; }
have_lib() { ldconfig -p 2>/dev/null | grep -q "$1"; }

"${PYTHON:-python3}" -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)  # the Python make uses
have_lib 'libpango-1.0.so.0' || need+=(libpango-1.0-0)
have_lib 'libpangoft2-1.0.so.0' || need+=(libpangoft2-1.0-0)
have_lib 'libharfbuzz-subset.so.0' || need+=(libharfbuzz-subset0)
have_cmd git || need+=(git)

if [ "${1:-site}" = test ]; then
  have_cmd chromium || need+=(chromium)
  have_cmd nginx || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
  have_cmd pdftotext || need+=(poppler-utils)
  have_cmd java || need+=(default-jre-headless)
  have_cmd minisign || need+=(minisign)
  have_cmd kiwix-serve || need+=(kiwix-tools)
  have_cmd openssl || need+=(openssl)
fi

[ ${#need[@]} -eq 0 ] && exit 0

echo "Installing system packages: ${need[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if have_cmd sudo; then SUDO=sudo; else
    echo "error: these packages are missing and you are not root: ${need[*]}" >&2
    echo "       install them with: apt-get install ${need[*]}" >&2
    exit 1
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
