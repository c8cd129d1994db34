#!/usr/bin/env bash
# Debian packages the project needs for `npm test` and `npm start`:
#   - chromium: the headless browser that drives code-server for the host tests;
#   - headers + toolchain for code-server's native modules (built against Node 24 on first run);
#   - Debian's PyTorch / ONNX / pytest for the training tests (PyPI is not reachable here);
#   - SciPy: the independent reference the evaluation metrics are tested against (test/reference).
# Installs only what is missing, as root (apt-get update first); otherwise prints the exact command and fails.
# Idempotent: one dpkg-query call when nothing is missing.
set -euo pipefail

PACKAGES=(
  chromium
  build-essential python3 pkg-config
  libkrb5-dev libsecret-1-dev libxkbfile-dev libx11-dev
  python3-torch python3-onnx python3-pytest python3-numpy python3-pil python3-scipy libopenblas0-pthread
)

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-deps: dpkg-query not found; this script supports Debian/Ubuntu only." >&2
  echo "system-deps: install the equivalents of: ${PACKAGES[*]}" >&2
  exit 1
fi

# One dpkg-query for all packages; a package is present only when its status is "install ok installed".
installed="$(dpkg-query -W -f='${Package} ${db:Status-Abbrev}\n' "${PACKAGES[@]}" 2>/dev/null || true)"
missing=()
for p in "${PACKAGES[@]}"; do
  if ! grep -qE "^${p}(:[a-z0-9]+)? ii " <<<"$installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "system-deps: all ${#PACKAGES[@]} Debian packages present"
  exit 0
fi

echo "system-deps: missing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  echo "system-deps: not root; run:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
echo "system-deps: installed ${missing[*]}"
