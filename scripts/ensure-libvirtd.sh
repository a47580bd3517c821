#!/usr/bin/env bash
# Makes qemu:///system answer: uses a running libvirtd, or configures and starts one.
# Safe to run again; it changes nothing when the daemon already answers.
set -euo pipefail

if virsh -q -c qemu:///system uri >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" != 0 ]; then
  echo "ensure-libvirtd: qemu:///system does not answer and starting libvirtd needs root" >&2
  exit 1
fi

# libvirtd looks these up before it reads qemu.conf, so they must exist even though
# QEMU runs as root here.
getent group kvm >/dev/null || groupadd --system kvm
getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
getent passwd libvirt-qemu >/dev/null ||
  useradd --system --no-create-home --gid libvirt-qemu --shell /usr/sbin/nologin libvirt-qemu

mkdir -p /etc/libvirt /var/log/libvirt /var/lib/libvirt/images
conf=/etc/libvirt/qemu.conf
if ! grep -q '^# virt-snapshot-graphql' "$conf" 2>/dev/null; then
  cat >"$conf" <<'CONF'
# virt-snapshot-graphql: QEMU runs as root without a security driver, so that a
# container or CI machine without SELinux/AppArmor labels can start domains.
user = "root"
group = "root"
dynamic_ownership = 0
security_driver = "none"
CONF
fi

pgrep -x virtlogd >/dev/null || virtlogd -d
# Only the system daemon counts: a per-user session daemon (`libvirtd --timeout`, started by a
# qemu:///session client) is also called libvirtd. The system daemon keeps its pid file.
system_daemon_runs() {
  [ -s /run/libvirtd.pid ] && kill -0 "$(cat /run/libvirtd.pid)" 2>/dev/null
}
system_daemon_runs || libvirtd -d

for _ in $(seq 1 50); do
  if virsh -q -c qemu:///system uri >/dev/null 2>&1; then
    exit 0
  fi
  sleep 0.2
done

echo "ensure-libvirtd: libvirtd started but qemu:///system does not answer" >&2
exit 1
