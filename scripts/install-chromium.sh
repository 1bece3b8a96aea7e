#!/usr/bin/env bash
# Install Debian's Chromium for the real-browser test, where this machine allows it.
# Never fails: where Chromium can't be installed, the browser test skips and says why
# (except under CI=true, where the test insists on a browser).
set -u
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-chromium: not root or no apt-get; the browser test will be skipped" >&2
    exit 0
fi
echo "install-chromium: installing Debian's chromium (once) for the browser test"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }; then
    echo "install-chromium: apt-get could not install chromium; the browser test will be skipped" >&2
fi
exit 0
