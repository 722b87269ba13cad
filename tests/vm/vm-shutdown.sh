#!/bin/sh
# Installed as /sbin/shutdown, /sbin/poweroff, /sbin/halt and /sbin/reboot in
# the test VM. Like systemd, it stops the agent service and lets init power
# off; doing it from here directly would pull the rug from under the agent.
# Newer qemu-ga runs "/sbin/poweroff" (etc.), older "/sbin/shutdown -h -P +0".
action=poweroff
case "${0##*/}" in
    reboot) action=reboot ;;
    halt) action=halt ;;
    shutdown)
        for arg in "$@"; do
            case "$arg" in
                -r) action=reboot ;;
                -H) action=halt ;;
            esac
        done ;;
esac
echo "$action" >/run/vm-shutdown-action
echo "rqapi-vm: ${0##*/} $* -> $action" >/dev/console
# Return first so the agent sees success, then stop it.
pid=$(cat /run/vm-agent.pid)
(sleep 0.2; kill -TERM "$pid") </dev/null >/dev/null 2>&1 &
exit 0
