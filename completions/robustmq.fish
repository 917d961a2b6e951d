# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_robustmq_global_optspecs
    string join \n server= token= o/output= h/help V/version
end

function __fish_robustmq_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_robustmq_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_robustmq_using_subcommand
    set -l cmd (__fish_robustmq_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c robustmq -n "__fish_robustmq_needs_command" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_needs_command" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_needs_command" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_needs_command" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "cluster" -d 'Show the node: roles, version, uptime, listeners and data-dir usage'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "topic" -d 'List, describe, create, alter and delete topics'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "group" -d 'Inspect consumer groups, their lag, and reset or delete their offsets'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "user" -d 'Manage users (stored as salted SCRAM-SHA-256 credentials for protocol authentication)'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "acl" -d 'Manage access control lists (Kafka\'s model), enforced on Kafka and MQTT'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "vhost" -d 'Manage AMQP virtual hosts (each its own namespace of exchanges and queues)'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "exchange" -d 'List, declare and delete AMQP exchanges'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "queue" -d 'List, declare, purge and delete AMQP queues (with message and consumer counts)'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "binding" -d 'List, add and delete AMQP bindings (exchange to queue, exchange to exchange)'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "produce" -d 'Write records to a topic, one per line of stdin or of the given files'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "consume" -d 'Read records from a topic and print them (kcat-style format strings)'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "completions" -d 'Print a shell completion script for robustmq to stdout'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "top" -d 'Live dashboard of rates, topics and groups (press q to quit)'
complete -c robustmq -n "__fish_robustmq_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -s h -l help -d 'Print help'
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -f -a "status" -d 'Roles, version, uptime, listeners and data-dir usage of each node'
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and not __fish_seen_subcommand_from status help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and __fish_seen_subcommand_from status" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and __fish_seen_subcommand_from status" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and __fish_seen_subcommand_from status" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and __fish_seen_subcommand_from status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and __fish_seen_subcommand_from status" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "status" -d 'Roles, version, uptime, listeners and data-dir usage of each node'
complete -c robustmq -n "__fish_robustmq_using_subcommand cluster; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and not __fish_seen_subcommand_from list describe create alter add-partitions delete help" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and not __fish_seen_subcommand_from list describe create alter add-partitions delete help" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and not __fish_seen_subcommand_from list describe create alter add-partitions delete help" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and not __fish_seen_subcommand_from list describe create alter add-partitions delete help" -s h -l help -d 'Print help'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and not __fish_seen_subcommand_from list describe create alter add-partitions delete help" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and not __fish_seen_subcommand_from list describe create alter add-partitions delete help" -f -a "list" -d 'Every topic with its partition count, records and size'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and not __fish_seen_subcommand_from list describe create alter add-partitions delete help" -f -a "describe" -d 'Partitions with offsets and sizes, and every config with its effective value'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and not __fish_seen_subcommand_from list describe create alter add-partitions delete help" -f -a "create" -d 'Create a topic'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and not __fish_seen_subcommand_from list describe create alter add-partitions delete help" -f -a "alter" -d 'Set or remove per-topic config overrides'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and not __fish_seen_subcommand_from list describe create alter add-partitions delete help" -f -a "add-partitions" -d 'Grow a topic to a total number of partitions (topics never shrink)'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and not __fish_seen_subcommand_from list describe create alter add-partitions delete help" -f -a "delete" -d 'Delete a topic and all its records'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and not __fish_seen_subcommand_from list describe create alter add-partitions delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from list" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from list" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from describe" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from describe" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from describe" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from describe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from describe" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from create" -s p -l partitions -d 'Number of partitions; the daemon\'s default when omitted' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from create" -s c -l config -d 'A topic config as NAME=VALUE (repeatable), e.g. retention.ms=86400000' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from create" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from create" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from create" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from create" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from create" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from alter" -s c -l config -d 'Set a config override, NAME=VALUE (repeatable)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l delete-config -d 'Remove an override so the default applies again (repeatable)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from alter" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from alter" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from alter" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from alter" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from add-partitions" -l total -d 'The partition count the topic should have afterwards' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from add-partitions" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from add-partitions" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from add-partitions" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from add-partitions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from add-partitions" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from delete" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from delete" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from delete" -s y -l yes -d 'Do not ask for confirmation (required when stdin is not a terminal)'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every topic with its partition count, records and size'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "describe" -d 'Partitions with offsets and sizes, and every config with its effective value'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "create" -d 'Create a topic'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "alter" -d 'Set or remove per-topic config overrides'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "add-partitions" -d 'Grow a topic to a total number of partitions (topics never shrink)'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a topic and all its records'
complete -c robustmq -n "__fish_robustmq_using_subcommand topic; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and not __fish_seen_subcommand_from list describe reset-offsets delete help" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and not __fish_seen_subcommand_from list describe reset-offsets delete help" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and not __fish_seen_subcommand_from list describe reset-offsets delete help" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and not __fish_seen_subcommand_from list describe reset-offsets delete help" -s h -l help -d 'Print help'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and not __fish_seen_subcommand_from list describe reset-offsets delete help" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and not __fish_seen_subcommand_from list describe reset-offsets delete help" -f -a "list" -d 'Every consumer group with its state, members and total lag'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and not __fish_seen_subcommand_from list describe reset-offsets delete help" -f -a "describe" -d 'Members with their assignments, and committed offset and lag per partition'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and not __fish_seen_subcommand_from list describe reset-offsets delete help" -f -a "reset-offsets" -d 'Move a group\'s committed offsets (only while the group has no active members)'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and not __fish_seen_subcommand_from list describe reset-offsets delete help" -f -a "delete" -d 'Delete a group and its committed offsets (only while it has no active members)'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and not __fish_seen_subcommand_from list describe reset-offsets delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from list" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from list" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from describe" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from describe" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from describe" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from describe" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from describe" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from reset-offsets" -s t -l topic -d 'The topic whose offsets to reset' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from reset-offsets" -s p -l partition -d 'Only these partitions (repeatable); all partitions of the topic when omitted' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from reset-offsets" -l to-datetime -d 'The first record at or after this time: RFC 3339 (2024-05-01T12:00:00Z) or epoch ms' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from reset-offsets" -l to-offset -d 'This offset, clamped to each partition\'s [log start, log end]' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from reset-offsets" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from reset-offsets" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from reset-offsets" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from reset-offsets" -l to-earliest -d 'The log start of each partition'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from reset-offsets" -l to-latest -d 'The log end of each partition (skip everything not yet consumed)'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from reset-offsets" -l dry-run -d 'Show the new offsets without committing them'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from reset-offsets" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from reset-offsets" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from delete" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from delete" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every consumer group with its state, members and total lag'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "describe" -d 'Members with their assignments, and committed offset and lag per partition'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "reset-offsets" -d 'Move a group\'s committed offsets (only while the group has no active members)'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a group and its committed offsets (only while it has no active members)'
complete -c robustmq -n "__fish_robustmq_using_subcommand group; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and not __fish_seen_subcommand_from list add delete help" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and not __fish_seen_subcommand_from list add delete help" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and not __fish_seen_subcommand_from list add delete help" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and not __fish_seen_subcommand_from list add delete help" -s h -l help -d 'Print help'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and not __fish_seen_subcommand_from list add delete help" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and not __fish_seen_subcommand_from list add delete help" -f -a "list" -d 'Every user with its SCRAM mechanism and iteration count (never the password)'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and not __fish_seen_subcommand_from list add delete help" -f -a "add" -d 'Create a user, or replace an existing user\'s password'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and not __fish_seen_subcommand_from list add delete help" -f -a "delete" -d 'Delete a user'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and not __fish_seen_subcommand_from list add delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from list" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from list" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from add" -l password -d 'The password (visible in `ps` and shell history; prefer --password-stdin)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from add" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from add" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from add" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from add" -l password-stdin -d 'Read the password from the first line of stdin'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from delete" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from delete" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every user with its SCRAM mechanism and iteration count (never the password)'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "add" -d 'Create a user, or replace an existing user\'s password'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a user'
complete -c robustmq -n "__fish_robustmq_using_subcommand user; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and not __fish_seen_subcommand_from list add delete help" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and not __fish_seen_subcommand_from list add delete help" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and not __fish_seen_subcommand_from list add delete help" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and not __fish_seen_subcommand_from list add delete help" -s h -l help -d 'Print help'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and not __fish_seen_subcommand_from list add delete help" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and not __fish_seen_subcommand_from list add delete help" -f -a "list" -d 'The bindings that match the given filters (all of them without filters)'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and not __fish_seen_subcommand_from list add delete help" -f -a "add" -d 'Allow (or with --deny, deny) principals operations on a resource'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and not __fish_seen_subcommand_from list add delete help" -f -a "delete" -d 'Delete every binding that matches the filters (at least one is required)'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and not __fish_seen_subcommand_from list add delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -l topic -d 'A topic (Kafka topic or MQTT topic name); `*` for every topic' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -l group -d 'A consumer group; `*` for every group' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -l transactional-id -d 'A transactional id; `*` for every one' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -l pattern -d 'How bindings\' names must match the given name (default: that name, any pattern)' -r -f -a "literal\t'The exact name (or `*`)'
prefixed\t'Every name starting with it'
any\t'Filter only: that name with any pattern'
match\t'Filter only: every binding that applies to the name (literal, `*` or a prefix of it)'"
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -l principal -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -l host -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -l operation -r -f -a "all\t''
read\t''
write\t''
create\t''
delete\t''
alter\t''
describe\t''
cluster-action\t''
describe-configs\t''
alter-configs\t''
idempotent-write\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -l permission -d 'allow or deny' -r -f -a "allow\t''
deny\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -l cluster -d 'The cluster (for create, describe, alter, idempotent-write and the like)'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -l principal -d 'Who: `User:<name>` (`User:*` for everyone, `User:ANONYMOUS` for clients that did not authenticate). Repeat for several' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -l operation -d 'What may (or may not) be done. Repeat for several' -r -f -a "all\t''
read\t''
write\t''
create\t''
delete\t''
alter\t''
describe\t''
cluster-action\t''
describe-configs\t''
alter-configs\t''
idempotent-write\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -l topic -d 'A topic (Kafka topic or MQTT topic name); `*` for every topic' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -l group -d 'A consumer group; `*` for every group' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -l transactional-id -d 'A transactional id; `*` for every one' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -l host -d 'The client address the binding applies to' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -l cluster -d 'The cluster (for create, describe, alter, idempotent-write and the like)'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -l prefixed -d 'The name is a prefix: the binding applies to every resource whose name starts with it'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -l deny -d 'A DENY binding (it wins over any ALLOW) instead of ALLOW'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -l topic -d 'A topic (Kafka topic or MQTT topic name); `*` for every topic' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -l group -d 'A consumer group; `*` for every group' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -l transactional-id -d 'A transactional id; `*` for every one' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -l pattern -d 'How bindings\' names must match the given name (default: that name, any pattern)' -r -f -a "literal\t'The exact name (or `*`)'
prefixed\t'Every name starting with it'
any\t'Filter only: that name with any pattern'
match\t'Filter only: every binding that applies to the name (literal, `*` or a prefix of it)'"
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -l principal -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -l host -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -l operation -r -f -a "all\t''
read\t''
write\t''
create\t''
delete\t''
alter\t''
describe\t''
cluster-action\t''
describe-configs\t''
alter-configs\t''
idempotent-write\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -l permission -d 'allow or deny' -r -f -a "allow\t''
deny\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -l cluster -d 'The cluster (for create, describe, alter, idempotent-write and the like)'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from help" -f -a "list" -d 'The bindings that match the given filters (all of them without filters)'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from help" -f -a "add" -d 'Allow (or with --deny, deny) principals operations on a resource'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete every binding that matches the filters (at least one is required)'
complete -c robustmq -n "__fish_robustmq_using_subcommand acl; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and not __fish_seen_subcommand_from list add delete help" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and not __fish_seen_subcommand_from list add delete help" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and not __fish_seen_subcommand_from list add delete help" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and not __fish_seen_subcommand_from list add delete help" -s h -l help -d 'Print help'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and not __fish_seen_subcommand_from list add delete help" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and not __fish_seen_subcommand_from list add delete help" -f -a "list" -d 'Every virtual host with its exchanges, queues and ready messages'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and not __fish_seen_subcommand_from list add delete help" -f -a "add" -d 'Create a virtual host (succeeds when it exists already)'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and not __fish_seen_subcommand_from list add delete help" -f -a "delete" -d 'Delete a virtual host with its queues (and their messages), exchanges and bindings; its connections are closed'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and not __fish_seen_subcommand_from list add delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from list" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from list" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from add" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from add" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from add" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from delete" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from delete" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from help" -f -a "list" -d 'Every virtual host with its exchanges, queues and ready messages'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from help" -f -a "add" -d 'Create a virtual host (succeeds when it exists already)'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a virtual host with its queues (and their messages), exchanges and bindings; its connections are closed'
complete -c robustmq -n "__fish_robustmq_using_subcommand vhost; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and not __fish_seen_subcommand_from list declare delete help" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and not __fish_seen_subcommand_from list declare delete help" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and not __fish_seen_subcommand_from list declare delete help" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and not __fish_seen_subcommand_from list declare delete help" -s h -l help -d 'Print help'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and not __fish_seen_subcommand_from list declare delete help" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and not __fish_seen_subcommand_from list declare delete help" -f -a "list" -d 'Exchanges with their type, flags and arguments'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and not __fish_seen_subcommand_from list declare delete help" -f -a "declare" -d 'Declare an exchange; an existing one must have the same type and flags'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and not __fish_seen_subcommand_from list declare delete help" -f -a "delete" -d 'Delete an exchange and its bindings'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and not __fish_seen_subcommand_from list declare delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from list" -s p -l vhost -d 'Only this virtual host (default: all)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from list" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from list" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from declare" -s p -l vhost -d 'Virtual host' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from declare" -l type -d 'direct, fanout, topic or headers' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from declare" -l arg -d 'An argument, KEY=VALUE (repeatable). VALUE is read as JSON when it parses (60000, true, "text", [1,2]), else as a string: --arg x-message-ttl=60000' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from declare" -l arguments -d 'All arguments as one JSON object (merged under --arg)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from declare" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from declare" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from declare" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from declare" -l transient -d 'Not durable: gone after a restart (durable is the default, as in rabbitmqadmin)'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from declare" -l auto-delete -d 'Deleted when its last binding goes'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from declare" -l internal -d 'Clients cannot publish to it, only other exchanges'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from declare" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from declare" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from delete" -s p -l vhost -d 'Virtual host' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from delete" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from delete" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from delete" -l if-unused -d 'Only when it has no bindings'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from help" -f -a "list" -d 'Exchanges with their type, flags and arguments'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from help" -f -a "declare" -d 'Declare an exchange; an existing one must have the same type and flags'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete an exchange and its bindings'
complete -c robustmq -n "__fish_robustmq_using_subcommand exchange; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and not __fish_seen_subcommand_from list declare delete purge help" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and not __fish_seen_subcommand_from list declare delete purge help" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and not __fish_seen_subcommand_from list declare delete purge help" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and not __fish_seen_subcommand_from list declare delete purge help" -s h -l help -d 'Print help'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and not __fish_seen_subcommand_from list declare delete purge help" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and not __fish_seen_subcommand_from list declare delete purge help" -f -a "list" -d 'Queues with ready and unacknowledged messages, consumers and their log topic'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and not __fish_seen_subcommand_from list declare delete purge help" -f -a "declare" -d 'Declare a queue; an existing one must have the same flags and x- arguments'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and not __fish_seen_subcommand_from list declare delete purge help" -f -a "delete" -d 'Delete a queue with its messages'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and not __fish_seen_subcommand_from list declare delete purge help" -f -a "purge" -d 'Drop a queue\'s ready messages (unacknowledged ones stay)'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and not __fish_seen_subcommand_from list declare delete purge help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from list" -s p -l vhost -d 'Only this virtual host (default: all)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from list" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from list" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from declare" -s p -l vhost -d 'Virtual host' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from declare" -l arg -d 'An argument, KEY=VALUE (repeatable). VALUE is read as JSON when it parses (60000, true, "text", [1,2]), else as a string: --arg x-message-ttl=60000' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from declare" -l arguments -d 'All arguments as one JSON object (merged under --arg)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from declare" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from declare" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from declare" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from declare" -l transient -d 'Not durable: gone after a restart (durable is the default, as in rabbitmqadmin)'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from declare" -l auto-delete -d 'Deleted when its last consumer goes'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from declare" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from declare" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from delete" -s p -l vhost -d 'Virtual host' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from delete" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from delete" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from delete" -l if-unused -d 'Only when it has no consumers'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from delete" -l if-empty -d 'Only when it has no ready messages'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from purge" -s p -l vhost -d 'Virtual host' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from purge" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from purge" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from purge" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from purge" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from purge" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "list" -d 'Queues with ready and unacknowledged messages, consumers and their log topic'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "declare" -d 'Declare a queue; an existing one must have the same flags and x- arguments'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Delete a queue with its messages'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "purge" -d 'Drop a queue\'s ready messages (unacknowledged ones stay)'
complete -c robustmq -n "__fish_robustmq_using_subcommand queue; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and not __fish_seen_subcommand_from list add delete help" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and not __fish_seen_subcommand_from list add delete help" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and not __fish_seen_subcommand_from list add delete help" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and not __fish_seen_subcommand_from list add delete help" -s h -l help -d 'Print help'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and not __fish_seen_subcommand_from list add delete help" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and not __fish_seen_subcommand_from list add delete help" -f -a "list" -d 'Bindings: source exchange, destination queue or exchange, routing key, arguments'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and not __fish_seen_subcommand_from list add delete help" -f -a "add" -d 'Bind a queue (or, with --to-exchange, an exchange) to an exchange'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and not __fish_seen_subcommand_from list add delete help" -f -a "delete" -d 'Remove a binding (same routing key and arguments as it was made with)'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and not __fish_seen_subcommand_from list add delete help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from list" -s p -l vhost -d 'Only this virtual host (default: all)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from list" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from list" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from list" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from add" -s p -l vhost -d 'Virtual host' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from add" -s k -l routing-key -d 'Routing key (binding key) of the binding' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from add" -l arg -d 'An argument, KEY=VALUE (repeatable). VALUE is read as JSON when it parses (60000, true, "text", [1,2]), else as a string: --arg x-message-ttl=60000' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from add" -l arguments -d 'All arguments as one JSON object (merged under --arg)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from add" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from add" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from add" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from add" -l to-exchange -d 'The destination is an exchange'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from delete" -s p -l vhost -d 'Virtual host' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from delete" -s k -l routing-key -d 'Routing key (binding key) of the binding' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from delete" -l arg -d 'An argument, KEY=VALUE (repeatable). VALUE is read as JSON when it parses (60000, true, "text", [1,2]), else as a string: --arg x-message-ttl=60000' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from delete" -l arguments -d 'All arguments as one JSON object (merged under --arg)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from delete" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from delete" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from delete" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from delete" -l to-exchange -d 'The destination is an exchange'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from delete" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from delete" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from help" -f -a "list" -d 'Bindings: source exchange, destination queue or exchange, routing key, arguments'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from help" -f -a "add" -d 'Bind a queue (or, with --to-exchange, an exchange) to an exchange'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from help" -f -a "delete" -d 'Remove a binding (same routing key and arguments as it was made with)'
complete -c robustmq -n "__fish_robustmq_using_subcommand binding; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand produce" -s k -l key -d 'Key of every record (default: no key, records spread over partitions)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand produce" -s p -l partition -d 'Partition of every record (default: by key hash, like Kafka\'s default partitioner)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand produce" -s H -l header -d 'A header added to every record, NAME=VALUE (repeatable)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand produce" -s K -l key-separator -d 'Split each line into key and value at the first SEP (like kcat -K); a line without SEP has no key. `\\t` means a tab' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand produce" -l file -d 'Read records from this file instead of stdin (repeatable, read in order)' -r -F
complete -c robustmq -n "__fish_robustmq_using_subcommand produce" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand produce" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand produce" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand produce" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand produce" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand consume" -s p -l partition -d 'Only these partitions (repeatable; default: all)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand consume" -l offset -d 'Start at this offset in every partition' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand consume" -l from-timestamp -d 'Start at the first record at or after this time: epoch ms or RFC 3339' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand consume" -s g -l group -d 'Start at this group\'s committed offsets and commit what is printed' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand consume" -s c -l count -d 'Stop after N records' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand consume" -s F -l format -d 'How to print each record: %t topic, %p partition, %o offset, %k key, %v value, %T timestamp (ms), %h headers (k=v,...), %% a percent sign; \\n \\t \\r \\\\ escapes. Ignored with -o json' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand consume" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand consume" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand consume" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand consume" -s b -l from-beginning -d 'Start at the log start of each partition (with --group: where it has no commit)'
complete -c robustmq -n "__fish_robustmq_using_subcommand consume" -s f -l follow -d 'Keep waiting for new records when caught up (until Ctrl-C or --count)'
complete -c robustmq -n "__fish_robustmq_using_subcommand consume" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand consume" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand completions" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand completions" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand completions" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand completions" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand completions" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand top" -l interval-ms -d 'Refresh interval in milliseconds (how often robustmqd sends a snapshot)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand top" -l server -d 'Admin address of robustmqd (`host:port` or `http://host:port`)' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand top" -l token -d 'Bearer token, when robustmqd sets `[admin] token`' -r
complete -c robustmq -n "__fish_robustmq_using_subcommand top" -s o -l output -d 'Output format: a table for people, or JSON for scripts' -r -f -a "table\t''
json\t''"
complete -c robustmq -n "__fish_robustmq_using_subcommand top" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c robustmq -n "__fish_robustmq_using_subcommand top" -s V -l version -d 'Print version'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "cluster" -d 'Show the node: roles, version, uptime, listeners and data-dir usage'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "topic" -d 'List, describe, create, alter and delete topics'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "group" -d 'Inspect consumer groups, their lag, and reset or delete their offsets'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "user" -d 'Manage users (stored as salted SCRAM-SHA-256 credentials for protocol authentication)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "acl" -d 'Manage access control lists (Kafka\'s model), enforced on Kafka and MQTT'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "vhost" -d 'Manage AMQP virtual hosts (each its own namespace of exchanges and queues)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "exchange" -d 'List, declare and delete AMQP exchanges'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "queue" -d 'List, declare, purge and delete AMQP queues (with message and consumer counts)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "binding" -d 'List, add and delete AMQP bindings (exchange to queue, exchange to exchange)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "produce" -d 'Write records to a topic, one per line of stdin or of the given files'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "consume" -d 'Read records from a topic and print them (kcat-style format strings)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "completions" -d 'Print a shell completion script for robustmq to stdout'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "top" -d 'Live dashboard of rates, topics and groups (press q to quit)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and not __fish_seen_subcommand_from cluster topic group user acl vhost exchange queue binding produce consume completions top help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from cluster" -f -a "status" -d 'Roles, version, uptime, listeners and data-dir usage of each node'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from topic" -f -a "list" -d 'Every topic with its partition count, records and size'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from topic" -f -a "describe" -d 'Partitions with offsets and sizes, and every config with its effective value'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from topic" -f -a "create" -d 'Create a topic'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from topic" -f -a "alter" -d 'Set or remove per-topic config overrides'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from topic" -f -a "add-partitions" -d 'Grow a topic to a total number of partitions (topics never shrink)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from topic" -f -a "delete" -d 'Delete a topic and all its records'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "list" -d 'Every consumer group with its state, members and total lag'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "describe" -d 'Members with their assignments, and committed offset and lag per partition'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "reset-offsets" -d 'Move a group\'s committed offsets (only while the group has no active members)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from group" -f -a "delete" -d 'Delete a group and its committed offsets (only while it has no active members)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "list" -d 'Every user with its SCRAM mechanism and iteration count (never the password)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "add" -d 'Create a user, or replace an existing user\'s password'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from user" -f -a "delete" -d 'Delete a user'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from acl" -f -a "list" -d 'The bindings that match the given filters (all of them without filters)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from acl" -f -a "add" -d 'Allow (or with --deny, deny) principals operations on a resource'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from acl" -f -a "delete" -d 'Delete every binding that matches the filters (at least one is required)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from vhost" -f -a "list" -d 'Every virtual host with its exchanges, queues and ready messages'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from vhost" -f -a "add" -d 'Create a virtual host (succeeds when it exists already)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from vhost" -f -a "delete" -d 'Delete a virtual host with its queues (and their messages), exchanges and bindings; its connections are closed'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from exchange" -f -a "list" -d 'Exchanges with their type, flags and arguments'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from exchange" -f -a "declare" -d 'Declare an exchange; an existing one must have the same type and flags'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from exchange" -f -a "delete" -d 'Delete an exchange and its bindings'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "list" -d 'Queues with ready and unacknowledged messages, consumers and their log topic'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "declare" -d 'Declare a queue; an existing one must have the same flags and x- arguments'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "delete" -d 'Delete a queue with its messages'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from queue" -f -a "purge" -d 'Drop a queue\'s ready messages (unacknowledged ones stay)'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from binding" -f -a "list" -d 'Bindings: source exchange, destination queue or exchange, routing key, arguments'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from binding" -f -a "add" -d 'Bind a queue (or, with --to-exchange, an exchange) to an exchange'
complete -c robustmq -n "__fish_robustmq_using_subcommand help; and __fish_seen_subcommand_from binding" -f -a "delete" -d 'Remove a binding (same routing key and arguments as it was made with)'
