#!/usr/bin/env bash
# Start (or stop) PipeWire for the capture tests, as .ci/pulse.sh does PulseAudio: pipewire, then
# wireplumber, then pipewire-pulse, under a D-Bus session of their own and an XDG_RUNTIME_DIR of
# their own, with the null sink "virt" and the capture source "virtmic" (loaded through pactl, as
# on PulseAudio). The PulseAudio socket sits at $CAPTIONER_PULSE_SOCKET, so clients reach it with
# PULSE_SERVER=unix:$SOCKET exactly as they reach PulseAudio.
set -u
SOCKET="${CAPTIONER_PULSE_SOCKET:-/tmp/captioner-pulse/native}"
HOME_DIR="$(dirname "$SOCKET")"
export PULSE_SERVER="unix:$SOCKET"
export PULSE_RUNTIME_PATH="$HOME_DIR"  # pipewire-pulse puts its socket ("native") here
PIDFILE="$HOME_DIR/pipewire.pid"

# End the session started before (dbus, pipewire, wireplumber, pipewire-pulse: one process group), and wait until it
# is gone: a pipewire left running holds the runtime folder's lock, and a new one could not start beside it.
end_session() {
  [ -f "$PIDFILE" ] || return 0
  local group
  group="$(cat "$PIDFILE")"
  rm -f "$PIDFILE"
  kill -- -"$group" 2>/dev/null || return 0
  for _ in $(seq 50); do kill -0 -- -"$group" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL -- -"$group" 2>/dev/null || true
  sleep 0.2
}

case "${1:-start}" in
  start)
    if pactl info >/dev/null 2>&1; then exit 0; fi
    end_session  # one whose PulseAudio side went away
    mkdir -p "$HOME_DIR/xdg"
    chmod 700 "$HOME_DIR/xdg"
    rm -f "$SOCKET" "$SOCKET.lock"
    XDG_RUNTIME_DIR="$HOME_DIR/xdg" setsid dbus-run-session -- bash -c '
      pipewire & sleep 0.3
      wireplumber & sleep 0.3
      pipewire-pulse &
      wait' >"$HOME_DIR/pipewire.log" 2>&1 < /dev/null &
    echo $! >"$PIDFILE"
    for _ in $(seq 100); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
    pactl load-module module-null-sink sink_name=virt >/dev/null
    pactl load-module module-remap-source master=virt.monitor source_name=virtmic >/dev/null
    # wireplumber takes a moment to see new nodes before they can be made the defaults
    for _ in $(seq 50); do pactl list short sources 2>/dev/null | grep -q virtmic && break; sleep 0.1; done
    pactl set-default-sink virt >/dev/null 2>&1 || true
    pactl set-default-source virtmic >/dev/null 2>&1 || true
    pactl info >/dev/null 2>&1
    ;;
  stop)
    end_session
    for _ in $(seq 50); do pactl info >/dev/null 2>&1 || break; sleep 0.1; done
    ;;
esac
