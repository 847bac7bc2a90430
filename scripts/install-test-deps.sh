#!/bin/sh
# Installs the Debian packages the tests use (promtool, from the prometheus package) when they are missing.
set -eu
if command -v promtool >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need promtool (Debian/Ubuntu: apt-get install prometheus). Install it, then run npm test again." >&2
  exit 1
fi
echo "Installing promtool (Debian package prometheus) for the tests…"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
