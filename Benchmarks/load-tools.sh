# Sourced by the benchmark scripts: installs wrk and nginx (Debian) when missing.
if ! command -v wrk >/dev/null || ! command -v nginx >/dev/null; then
    sudo=$([ "$(id -u)" = 0 ] || echo sudo)
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk nginx-light >&2
fi
