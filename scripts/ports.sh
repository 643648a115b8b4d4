# Free TCP ports on 127.0.0.1 for the scripts that start local processes; sourced, not run.

port_free() {
    ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

taken=" "
# Sets the variable named $1 to a port that is free and not yet picked by this script.
pick_port() {
    local candidate
    for _ in $(seq 1 200); do
        # Below the kernel's ephemeral range (32768 and up here), so that no outgoing connection holds the port.
        candidate=$((20000 + RANDOM % 12000))
        if port_free "$candidate" && [[ "$taken" != *" $candidate "* ]]; then
            taken="$taken$candidate "
            printf -v "$1" '%s' "$candidate"
            return 0
        fi
    done
    echo "no free port found" >&2
    return 1
}
