#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests when it is missing. Idempotent.
# CHROMIUM_PATH names another Chromium to use instead (the tests honour it too).
set -euo pipefail
if [ -n "${CHROMIUM_PATH:-}" ] && [ -x "$CHROMIUM_PATH" ]; then
  exit 0
fi
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  # Not Debian: the other checks still run; the browser tests say what is missing.
  echo "ensure-chromium: /usr/bin/chromium is missing and there is no apt-get here;" \
    "install Chromium and set CHROMIUM_PATH for the browser tests" >&2
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; else SUDO=; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium >/dev/null
