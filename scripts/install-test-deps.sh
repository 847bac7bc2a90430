#!/bin/sh
# Installs the Debian packages the tests use when they are missing: promtool (package prometheus) and
# Alertmanager (package prometheus-alertmanager, which also brings amtool). Does nothing when both are there.
set -eu
packages=''
if ! command -v promtool >/dev/null 2>&1; then
  packages="$packages prometheus"
fi
if ! command -v prometheus-alertmanager >/dev/null 2>&1 && [ ! -x /usr/bin/prometheus-alertmanager ]; then
  packages="$packages prometheus-alertmanager"
fi
if [ -z "$packages" ]; then
  exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "The tests need promtool and Alertmanager; missing Debian/Ubuntu packages:$packages. Install them as root (apt-get install$packages), then run npm test again." >&2
  exit 1
fi
echo "Installing the Debian packages the tests use:$packages…"
apt-get update -qq
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null
