#!/usr/bin/env bash
# Installs what the server needs and is missing: libvirt's Debian packages and the npm
# packages. With --test, also what the test suite needs: libvirtd with QEMU, qemu-img,
# libvirt-dev (whose API description a test reads), python3-libvirt (the benchmarks),
# redis-server (the replica tests) and Chromium (the dashboard's browser test). Safe to run
# again.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(libvirt0)
if [ "${1:-}" = "--test" ]; then
  packages+=(libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils
    libvirt-dev python3-libvirt redis-server chromium)
fi

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$package")
  fi
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=()
  if [ "$(id -u)" != 0 ]; then
    sudo=(sudo)
  fi
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

if ! command -v node >/dev/null ||
  ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  echo "setup: Node.js 20 or newer is needed (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi

# npm ci whenever the lock file changed since the last install.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing npm packages"
  # Dev packages too, whatever NODE_ENV says: scripts/start compiles with TypeScript.
  npm ci --include=dev --no-audit --no-fund --loglevel=error
fi
