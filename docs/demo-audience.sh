#!/usr/bin/env bash
# A small simulated audience against `npm start`, for the analytics walk-through in docs/sync-job.md: five
# viewers of known habits beat every 30 s for MINUTES minutes on one stage, then the stage ends.
#   alice  Germany, desktop: the whole time
#   bob    USA, mobile, in two tabs: the whole time (counted once)
#   carol  France, a smart TV: joins at minute 3, leaves (sendBeacon's leave) at minute 9
#   dave   Britain, desktop: drops out at minute 4 (no leave), back from minute 7
#   erin   Japan, mobile: paused from minute 5 to 7 (present, not credited)
# Usage: K=<admin key> STAGE=demo MINUTES=12 URL=http://127.0.0.1:8787 docs/demo-audience.sh
set -euo pipefail
URL=${URL:-http://127.0.0.1:8787}
STAGE=${STAGE:-demo}
MINUTES=${MINUTES:-12}
: "${K:?set K to the admin key npm start printed}"

DESKTOP='Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36'
MOBILE='Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'
TV='Mozilla/5.0 (SMART-TV; Linux; Tizen 8.0) AppleWebKit/537.36 SamsungBrowser/7.0 TV Safari/537.36'

curl -sf -X POST "$URL/v1/stages" -H "authorization: Bearer $K" -H 'content-type: application/json' \
  -d "{\"id\":\"$STAGE\",\"title\":\"Demo stage\"}" >/dev/null

declare -A TOKEN
for viewer in alice bob carol dave erin; do
  TOKEN[$viewer]=$(curl -sf -X POST "$URL/v1/stages/$STAGE/viewer-tokens" \
    -H "authorization: Bearer $K" -H 'content-type: application/json' \
    -d "{\"viewerId\":\"$viewer\",\"ttlSec\":7200}" | sed 's/.*"token":"\([^"]*\)".*/\1/')
done

beat() { # viewer country user-agent [state]
  curl -sf -o /dev/null -X POST "$URL/v1/stages/$STAGE/heartbeats?state=${4:-playing}" \
    -H "authorization: Bearer ${TOKEN[$1]}" -H "cf-ipcountry: $2" -H "user-agent: $3"
}

for ((step = 0; step < MINUTES * 2; step++)); do
  minute=$((step / 2))
  beat alice DE "$DESKTOP"
  beat bob US "$MOBILE" & beat bob US "$MOBILE"
  wait
  if ((minute >= 3 && minute < 9)); then beat carol FR "$TV"; fi
  if ((step == 18)); then
    curl -sf -o /dev/null -X POST "$URL/v1/stages/$STAGE/leave" -H 'content-type: text/plain' \
      -d "{\"token\":\"${TOKEN[carol]}\"}"
  fi
  if ((minute < 4 || minute >= 7)); then beat dave GB "$DESKTOP"; fi
  if ((minute >= 5 && minute < 7)); then beat erin JP "$MOBILE" paused; else beat erin JP "$MOBILE"; fi
  sleep $((30 - $(date +%s) % 30 + 1)) # to 1 s into the next 30-s slot
done

curl -sf -X PATCH "$URL/v1/stages/$STAGE" -H "authorization: Bearer $K" \
  -H 'content-type: application/json' -d '{"status":"ended"}'
echo
