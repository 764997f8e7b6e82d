#!/usr/bin/env bash
# Start (or stop) a PulseAudio server for the capture tests: a null sink "virt" and a capture
# source "virtmic" that records what is played into "virt". Its socket sits at a fixed path,
# so clients reach it with PULSE_SERVER=unix:$SOCKET whatever their XDG folders are.
set -u
SOCKET="${CAPTIONER_PULSE_SOCKET:-/tmp/captioner-pulse/native}"
export PULSE_SERVER="unix:$SOCKET"
# its own runtime folder, so servers on other sockets can run beside it
export PULSE_RUNTIME_PATH="$(dirname "$SOCKET")/runtime"
case "${1:-start}" in
  start)
    if pactl info >/dev/null 2>&1; then exit 0; fi
    mkdir -p "$(dirname "$SOCKET")"
    pulseaudio --daemonize=yes -n --exit-idle-time=-1 --system=no \
      -L "module-native-protocol-unix auth-anonymous=1 socket=$SOCKET" \
      -L "module-null-sink sink_name=virt" \
      -L "module-remap-source master=virt.monitor source_name=virtmic" \
      -L "module-always-sink" 2>/dev/null || true
    for _ in $(seq 50); do pactl info >/dev/null 2>&1 && break; sleep 0.1; done
    pactl set-default-source virtmic >/dev/null 2>&1 || true
    pactl info >/dev/null 2>&1
    ;;
  stop)
    pactl exit >/dev/null 2>&1 || pulseaudio --kill 2>/dev/null || true
    ;;
esac
