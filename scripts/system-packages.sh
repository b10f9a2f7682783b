#!/usr/bin/env bash
# Install the Debian packages Nguồn needs that this machine lacks; safe to run again.
# Needs root (or sudo) only when something is missing.
set -euo pipefail

# command -> Debian package providing it
declare -A NEEDED=(
    [java]=openjdk-17-jre-headless
    [mvn]=maven
    [curl]=curl
    [chromium]=chromium
    [chromedriver]=chromium-driver
    [npm]=npm
    [espeak-ng]=espeak-ng
    [ffmpeg]=ffmpeg
    [ffprobe]=ffmpeg
    [sox]=sox
    [liquidsoap]=liquidsoap
    [icecast2]=icecast2
    [pdftotext]=poppler-utils
    [mosquitto_passwd]=mosquitto
    [xmllint]=libxml2-utils
    [xmlsec1]=xmlsec1
    # nguon-cluster: the balancer and the caching proxy (in /usr/sbin)
    [haproxy]=haproxy
    [varnishd]=varnish
)
# The system's daemons live in /usr/sbin, which a user's PATH may lack.
PATH="$PATH:/usr/sbin:/sbin"

missing=()
for command in "${!NEEDED[@]}"; do
    command -v "$command" >/dev/null 2>&1 || missing+=("${NEEDED[$command]}")
done
# nguon-cluster: PostgreSQL's server programs are not on PATH (/usr/lib/postgresql/<v>/bin).
compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "nguon: installing Debian packages: ${missing[*]}"
as_root=()
[[ $(id -u) -eq 0 ]] || as_root=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
