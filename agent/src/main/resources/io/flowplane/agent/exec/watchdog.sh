# Flowplane run watchdog (Linux, POSIX sh). The agent starts it as
#   setsid sh watchdog.sh RUN_DIR COMMAND [ARG...]
# with stdout and stderr already appended to RUN_DIR/stdout.log and RUN_DIR/stderr.log. It does
# not depend on the agent JVM: whatever happens to the agent, it
#   - runs COMMAND in a session and process group of its own (its pid is the group id), recorded
#     in RUN_DIR/flow.pid;
#   - records COMMAND's exit status in RUN_DIR/exit (written whole, then renamed into place);
#   - stops the group when the lease deadline in RUN_DIR/lease ("TERM_AT KILL_AT", /proc/uptime in
#     centiseconds) passes without the agent moving it: SIGTERM at TERM_AT, SIGKILL at KILL_AT,
#     after writing RUN_DIR/fenced. The deadline holds for the whole group, not only for COMMAND:
#     a member that outlives COMMAND (a child that ignores or handles SIGTERM slowly, while COMMAND
#     died of the SIGTERM or exited) gets SIGKILL at KILL_AT all the same; the monitor below ends
#     once the group is empty, after the watchdog itself (which ends with COMMAND).
dir=$1
shift
setsid "$@" </dev/null &
flow=$!
echo "$flow" > "$dir/flow.pid.tmp" && mv -f "$dir/flow.pid.tmp" "$dir/flow.pid"
(
  term_at=0
  kill_at=0
  termed=
  while :; do
    # Nothing of the group is left (nor COMMAND, which may not have made its group yet): done.
    kill -0 -"$flow" 2>/dev/null || kill -0 "$flow" 2>/dev/null || exit 0
    t=
    k=
    read t k < "$dir/lease"
    case "$t$k" in
      ''|*[!0-9]*) ;;
      *) term_at=$t; kill_at=$k ;;
    esac
    read up idle < /proc/uptime
    now=${up%.*}${up#*.}
    if [ "$now" -ge "$kill_at" ]; then
      true > "$dir/fenced"
      kill -KILL -"$flow" 2>/dev/null
      exit 0
    elif [ "$now" -ge "$term_at" ] && [ -z "$termed" ]; then
      true > "$dir/fenced"
      kill -TERM -"$flow" 2>/dev/null
      termed=1
    fi
    sleep 0.25
  done
) 2>/dev/null &
wait "$flow"
code=$?
echo "$code" > "$dir/exit.tmp" && mv -f "$dir/exit.tmp" "$dir/exit"
# Whatever the command left running in its group ends with it: SIGTERM now, and the monitor, left
# running, still SIGKILLs what ignores it at the lease deadline (the agent, if alive, sooner).
kill -TERM -"$flow" 2>/dev/null
exit 0
