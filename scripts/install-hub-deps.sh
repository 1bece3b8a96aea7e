#!/usr/bin/env bash
# Install what the class hub (deploy/jupyterhub/) and its test need besides Python packages:
#   Node.js and npm (Debian's), configurable-http-proxy (from npm), PAM's Python binding's C library,
#   and bubblewrap (the grading sandbox of nbgrader/autograde_parallel.py).
# Never fails: where something can't be installed, tests/test_hub.py skips and says why
# (except under CI=true, where it insists).
set -u
missing=()
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v useradd >/dev/null 2>&1 || missing+=(passwd)
command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
[ -e /lib/x86_64-linux-gnu/libpam.so.0 ] || [ -e /usr/lib/x86_64-linux-gnu/libpam.so.0 ] \
    || ldconfig -p 2>/dev/null | grep -q 'libpam\.so\.0' || missing+=(libpam0g)

if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
        echo "install-hub-deps: not root or no apt-get; missing ${missing[*]}: the hub test will be skipped" >&2
        exit 0
    fi
    echo "install-hub-deps: installing Debian's ${missing[*]} (once) for the hub test"
    export DEBIAN_FRONTEND=noninteractive
    if ! { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; }; then
        echo "install-hub-deps: apt-get could not install ${missing[*]}; the hub test will be skipped" >&2
    fi
fi

if ! command -v configurable-http-proxy >/dev/null 2>&1; then
    if ! command -v npm >/dev/null 2>&1 || [ "$(id -u)" != "0" ]; then
        echo "install-hub-deps: no npm, or not root; configurable-http-proxy missing: the hub test will be skipped" >&2
        exit 0
    fi
    echo "install-hub-deps: installing configurable-http-proxy from npm (once)"
    npm install --global --silent configurable-http-proxy@5.3.0 >/dev/null 2>&1 \
        || echo "install-hub-deps: npm could not install configurable-http-proxy; the hub test will be skipped" >&2
fi
exit 0
