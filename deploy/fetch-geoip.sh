#!/usr/bin/env bash
# Fetches the CC0 country database (ip-location-db's geo-whois-asn-country, MaxMind format) from
# the npm registry into DEST/country.mmdb, where geo-config looks by default (geoip in geo.yaml).
# Usage: deploy/fetch-geoip.sh [DEST]   (default data/geoip; needs npm)
set -euo pipefail
version="${VCDN_GEOIP_VERSION:-2.3.2026061719}"
dest="${1:-data/geoip}"
mkdir -p "$dest"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent --no-audit --no-fund "@ip-location-db/geo-whois-asn-country-mmdb@$version" >/dev/null)
tar xzf "$work"/*.tgz -C "$work"
cp "$work/package/geo-whois-asn-country.mmdb" "$dest/country.mmdb.tmp"
mv "$dest/country.mmdb.tmp" "$dest/country.mmdb"
echo "GeoIP country database $version in $dest/country.mmdb"
