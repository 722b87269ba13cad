#!/bin/busybox sh
# /init of the test VM: a minimal stand-in for what a distribution does before
# starting the guest agent as a service (modules, device nodes, the udev
# symlink for the virtio port, the test disk), then the agent in the
# foreground. When the agent exits the VM powers off (or reboots/halts when
# the agent asked for that through /sbin/shutdown and friends).
/bin/busybox mkdir -p /bin /proc /sys /dev /run /tmp /mnt/test
/bin/busybox --install -s /bin
export PATH=/sbin:/bin:/usr/sbin:/usr/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
hostname rqapi-vm
say() { echo "rqapi-vm: $*"; }

finish() {
    action=$(cat /run/vm-shutdown-action 2>/dev/null || echo poweroff)
    say "powering off ($action)"
    sync
    umount /mnt/test 2>/dev/null
    case "$action" in
        reboot) reboot -f ;;
        halt) halt -f ;;
        *) poweroff -f ;;
    esac
    sleep 5
}

while read -r mod; do
    [ -n "$mod" ] || continue
    insmod "/lib/modules/$mod.ko" || say "insmod $mod failed"
done </etc/vm-modules

# What udev's 99-qemu-guest-agent / 60-virtio-ports rules would do: wait for
# the port and link /dev/virtio-ports/<name> to /dev/vportNpM.
mkdir -p /dev/virtio-ports
port_name=org.qemu.guest_agent.0
i=0
while [ ! -e "/dev/virtio-ports/$port_name" ] && [ $i -lt 100 ]; do
    for d in /sys/class/virtio-ports/vport*; do
        [ -f "$d/name" ] || continue
        n=$(cat "$d/name")
        [ -n "$n" ] && [ -e "/dev/${d##*/}" ] && ln -sf "../${d##*/}" "/dev/virtio-ports/$n"
    done
    [ -e "/dev/virtio-ports/$port_name" ] || { sleep 0.1; i=$((i + 1)); }
done
[ -e "/dev/virtio-ports/$port_name" ] || say "no virtio port $port_name"

i=0
while [ ! -b /dev/vda ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
if [ -b /dev/vda ]; then
    mount -t ext4 /dev/vda /mnt/test || say "mounting /dev/vda failed"
else
    say "no test disk /dev/vda"
fi

. /etc/vm-agent.conf
say "starting agent: $AGENT $AGENT_ARGS"
# shellcheck disable=SC2086
"$AGENT" $AGENT_ARGS &
echo $! >/run/vm-agent.pid
wait $!
say "agent exited with status $?"
finish
