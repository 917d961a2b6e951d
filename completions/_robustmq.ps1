
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'robustmq' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'robustmq'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'robustmq' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Show the node: roles, version, uptime, listeners and data-dir usage')
            [CompletionResult]::new('topic', 'topic', [CompletionResultType]::ParameterValue, 'List, describe, create, alter and delete topics')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Inspect consumer groups, their lag, and reset or delete their offsets')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Manage users (stored as salted SCRAM-SHA-256 credentials for protocol authentication)')
            [CompletionResult]::new('acl', 'acl', [CompletionResultType]::ParameterValue, 'Manage access control lists (Kafka''s model), enforced on Kafka and MQTT')
            [CompletionResult]::new('vhost', 'vhost', [CompletionResultType]::ParameterValue, 'Manage AMQP virtual hosts (each its own namespace of exchanges and queues)')
            [CompletionResult]::new('exchange', 'exchange', [CompletionResultType]::ParameterValue, 'List, declare and delete AMQP exchanges')
            [CompletionResult]::new('queue', 'queue', [CompletionResultType]::ParameterValue, 'List, declare, purge and delete AMQP queues (with message and consumer counts)')
            [CompletionResult]::new('binding', 'binding', [CompletionResultType]::ParameterValue, 'List, add and delete AMQP bindings (exchange to queue, exchange to exchange)')
            [CompletionResult]::new('produce', 'produce', [CompletionResultType]::ParameterValue, 'Write records to a topic, one per line of stdin or of the given files')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Read records from a topic and print them (kcat-style format strings)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script for robustmq to stdout')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Live dashboard of rates, topics and groups (press q to quit)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;cluster' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Roles, version, uptime, listeners and data-dir usage of each node')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;cluster;status' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;cluster;help' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Roles, version, uptime, listeners and data-dir usage of each node')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;cluster;help;status' {
            break
        }
        'robustmq;cluster;help;help' {
            break
        }
        'robustmq;topic' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every topic with its partition count, records and size')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Partitions with offsets and sizes, and every config with its effective value')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a topic')
            [CompletionResult]::new('alter', 'alter', [CompletionResultType]::ParameterValue, 'Set or remove per-topic config overrides')
            [CompletionResult]::new('add-partitions', 'add-partitions', [CompletionResultType]::ParameterValue, 'Grow a topic to a total number of partitions (topics never shrink)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a topic and all its records')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;topic;list' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;topic;describe' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;topic;create' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Number of partitions; the daemon''s default when omitted')
            [CompletionResult]::new('--partitions', '--partitions', [CompletionResultType]::ParameterName, 'Number of partitions; the daemon''s default when omitted')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'A topic config as NAME=VALUE (repeatable), e.g. retention.ms=86400000')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'A topic config as NAME=VALUE (repeatable), e.g. retention.ms=86400000')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;topic;alter' {
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Set a config override, NAME=VALUE (repeatable)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Set a config override, NAME=VALUE (repeatable)')
            [CompletionResult]::new('--delete-config', '--delete-config', [CompletionResultType]::ParameterName, 'Remove an override so the default applies again (repeatable)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;topic;add-partitions' {
            [CompletionResult]::new('--total', '--total', [CompletionResultType]::ParameterName, 'The partition count the topic should have afterwards')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;topic;delete' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Do not ask for confirmation (required when stdin is not a terminal)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;topic;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every topic with its partition count, records and size')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Partitions with offsets and sizes, and every config with its effective value')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a topic')
            [CompletionResult]::new('alter', 'alter', [CompletionResultType]::ParameterValue, 'Set or remove per-topic config overrides')
            [CompletionResult]::new('add-partitions', 'add-partitions', [CompletionResultType]::ParameterValue, 'Grow a topic to a total number of partitions (topics never shrink)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a topic and all its records')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;topic;help;list' {
            break
        }
        'robustmq;topic;help;describe' {
            break
        }
        'robustmq;topic;help;create' {
            break
        }
        'robustmq;topic;help;alter' {
            break
        }
        'robustmq;topic;help;add-partitions' {
            break
        }
        'robustmq;topic;help;delete' {
            break
        }
        'robustmq;topic;help;help' {
            break
        }
        'robustmq;group' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every consumer group with its state, members and total lag')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Members with their assignments, and committed offset and lag per partition')
            [CompletionResult]::new('reset-offsets', 'reset-offsets', [CompletionResultType]::ParameterValue, 'Move a group''s committed offsets (only while the group has no active members)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group and its committed offsets (only while it has no active members)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;group;list' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;group;describe' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;group;reset-offsets' {
            [CompletionResult]::new('-t', '-t', [CompletionResultType]::ParameterName, 'The topic whose offsets to reset')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'The topic whose offsets to reset')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only these partitions (repeatable); all partitions of the topic when omitted')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Only these partitions (repeatable); all partitions of the topic when omitted')
            [CompletionResult]::new('--to-datetime', '--to-datetime', [CompletionResultType]::ParameterName, 'The first record at or after this time: RFC 3339 (2024-05-01T12:00:00Z) or epoch ms')
            [CompletionResult]::new('--to-offset', '--to-offset', [CompletionResultType]::ParameterName, 'This offset, clamped to each partition''s [log start, log end]')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--to-earliest', '--to-earliest', [CompletionResultType]::ParameterName, 'The log start of each partition')
            [CompletionResult]::new('--to-latest', '--to-latest', [CompletionResultType]::ParameterName, 'The log end of each partition (skip everything not yet consumed)')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Show the new offsets without committing them')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;group;delete' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;group;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every consumer group with its state, members and total lag')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Members with their assignments, and committed offset and lag per partition')
            [CompletionResult]::new('reset-offsets', 'reset-offsets', [CompletionResultType]::ParameterValue, 'Move a group''s committed offsets (only while the group has no active members)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group and its committed offsets (only while it has no active members)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;group;help;list' {
            break
        }
        'robustmq;group;help;describe' {
            break
        }
        'robustmq;group;help;reset-offsets' {
            break
        }
        'robustmq;group;help;delete' {
            break
        }
        'robustmq;group;help;help' {
            break
        }
        'robustmq;user' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every user with its SCRAM mechanism and iteration count (never the password)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a user, or replace an existing user''s password')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a user')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;user;list' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;user;add' {
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'The password (visible in `ps` and shell history; prefer --password-stdin)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--password-stdin', '--password-stdin', [CompletionResultType]::ParameterName, 'Read the password from the first line of stdin')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;user;delete' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;user;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every user with its SCRAM mechanism and iteration count (never the password)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a user, or replace an existing user''s password')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a user')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;user;help;list' {
            break
        }
        'robustmq;user;help;add' {
            break
        }
        'robustmq;user;help;delete' {
            break
        }
        'robustmq;user;help;help' {
            break
        }
        'robustmq;acl' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The bindings that match the given filters (all of them without filters)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Allow (or with --deny, deny) principals operations on a resource')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete every binding that matches the filters (at least one is required)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;acl;list' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'A topic (Kafka topic or MQTT topic name); `*` for every topic')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'A consumer group; `*` for every group')
            [CompletionResult]::new('--transactional-id', '--transactional-id', [CompletionResultType]::ParameterName, 'A transactional id; `*` for every one')
            [CompletionResult]::new('--pattern', '--pattern', [CompletionResultType]::ParameterName, 'How bindings'' names must match the given name (default: that name, any pattern)')
            [CompletionResult]::new('--principal', '--principal', [CompletionResultType]::ParameterName, 'principal')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'host')
            [CompletionResult]::new('--operation', '--operation', [CompletionResultType]::ParameterName, 'operation')
            [CompletionResult]::new('--permission', '--permission', [CompletionResultType]::ParameterName, 'allow or deny')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The cluster (for create, describe, alter, idempotent-write and the like)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;acl;add' {
            [CompletionResult]::new('--principal', '--principal', [CompletionResultType]::ParameterName, 'Who: `User:<name>` (`User:*` for everyone, `User:ANONYMOUS` for clients that did not authenticate). Repeat for several')
            [CompletionResult]::new('--operation', '--operation', [CompletionResultType]::ParameterName, 'What may (or may not) be done. Repeat for several')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'A topic (Kafka topic or MQTT topic name); `*` for every topic')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'A consumer group; `*` for every group')
            [CompletionResult]::new('--transactional-id', '--transactional-id', [CompletionResultType]::ParameterName, 'A transactional id; `*` for every one')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'The client address the binding applies to')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The cluster (for create, describe, alter, idempotent-write and the like)')
            [CompletionResult]::new('--prefixed', '--prefixed', [CompletionResultType]::ParameterName, 'The name is a prefix: the binding applies to every resource whose name starts with it')
            [CompletionResult]::new('--deny', '--deny', [CompletionResultType]::ParameterName, 'A DENY binding (it wins over any ALLOW) instead of ALLOW')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;acl;delete' {
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'A topic (Kafka topic or MQTT topic name); `*` for every topic')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'A consumer group; `*` for every group')
            [CompletionResult]::new('--transactional-id', '--transactional-id', [CompletionResultType]::ParameterName, 'A transactional id; `*` for every one')
            [CompletionResult]::new('--pattern', '--pattern', [CompletionResultType]::ParameterName, 'How bindings'' names must match the given name (default: that name, any pattern)')
            [CompletionResult]::new('--principal', '--principal', [CompletionResultType]::ParameterName, 'principal')
            [CompletionResult]::new('--host', '--host', [CompletionResultType]::ParameterName, 'host')
            [CompletionResult]::new('--operation', '--operation', [CompletionResultType]::ParameterName, 'operation')
            [CompletionResult]::new('--permission', '--permission', [CompletionResultType]::ParameterName, 'allow or deny')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The cluster (for create, describe, alter, idempotent-write and the like)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;acl;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The bindings that match the given filters (all of them without filters)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Allow (or with --deny, deny) principals operations on a resource')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete every binding that matches the filters (at least one is required)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;acl;help;list' {
            break
        }
        'robustmq;acl;help;add' {
            break
        }
        'robustmq;acl;help;delete' {
            break
        }
        'robustmq;acl;help;help' {
            break
        }
        'robustmq;vhost' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every virtual host with its exchanges, queues and ready messages')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a virtual host (succeeds when it exists already)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a virtual host with its queues (and their messages), exchanges and bindings; its connections are closed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;vhost;list' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;vhost;add' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;vhost;delete' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;vhost;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every virtual host with its exchanges, queues and ready messages')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a virtual host (succeeds when it exists already)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a virtual host with its queues (and their messages), exchanges and bindings; its connections are closed')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;vhost;help;list' {
            break
        }
        'robustmq;vhost;help;add' {
            break
        }
        'robustmq;vhost;help;delete' {
            break
        }
        'robustmq;vhost;help;help' {
            break
        }
        'robustmq;exchange' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Exchanges with their type, flags and arguments')
            [CompletionResult]::new('declare', 'declare', [CompletionResultType]::ParameterValue, 'Declare an exchange; an existing one must have the same type and flags')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an exchange and its bindings')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;exchange;list' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only this virtual host (default: all)')
            [CompletionResult]::new('--vhost', '--vhost', [CompletionResultType]::ParameterName, 'Only this virtual host (default: all)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;exchange;declare' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('--vhost', '--vhost', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'direct, fanout, topic or headers')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'An argument, KEY=VALUE (repeatable). VALUE is read as JSON when it parses (60000, true, "text", [1,2]), else as a string: --arg x-message-ttl=60000')
            [CompletionResult]::new('--arguments', '--arguments', [CompletionResultType]::ParameterName, 'All arguments as one JSON object (merged under --arg)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--transient', '--transient', [CompletionResultType]::ParameterName, 'Not durable: gone after a restart (durable is the default, as in rabbitmqadmin)')
            [CompletionResult]::new('--auto-delete', '--auto-delete', [CompletionResultType]::ParameterName, 'Deleted when its last binding goes')
            [CompletionResult]::new('--internal', '--internal', [CompletionResultType]::ParameterName, 'Clients cannot publish to it, only other exchanges')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;exchange;delete' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('--vhost', '--vhost', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--if-unused', '--if-unused', [CompletionResultType]::ParameterName, 'Only when it has no bindings')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;exchange;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Exchanges with their type, flags and arguments')
            [CompletionResult]::new('declare', 'declare', [CompletionResultType]::ParameterValue, 'Declare an exchange; an existing one must have the same type and flags')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an exchange and its bindings')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;exchange;help;list' {
            break
        }
        'robustmq;exchange;help;declare' {
            break
        }
        'robustmq;exchange;help;delete' {
            break
        }
        'robustmq;exchange;help;help' {
            break
        }
        'robustmq;queue' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Queues with ready and unacknowledged messages, consumers and their log topic')
            [CompletionResult]::new('declare', 'declare', [CompletionResultType]::ParameterValue, 'Declare a queue; an existing one must have the same flags and x- arguments')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a queue with its messages')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Drop a queue''s ready messages (unacknowledged ones stay)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;queue;list' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only this virtual host (default: all)')
            [CompletionResult]::new('--vhost', '--vhost', [CompletionResultType]::ParameterName, 'Only this virtual host (default: all)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;queue;declare' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('--vhost', '--vhost', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'An argument, KEY=VALUE (repeatable). VALUE is read as JSON when it parses (60000, true, "text", [1,2]), else as a string: --arg x-message-ttl=60000')
            [CompletionResult]::new('--arguments', '--arguments', [CompletionResultType]::ParameterName, 'All arguments as one JSON object (merged under --arg)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--transient', '--transient', [CompletionResultType]::ParameterName, 'Not durable: gone after a restart (durable is the default, as in rabbitmqadmin)')
            [CompletionResult]::new('--auto-delete', '--auto-delete', [CompletionResultType]::ParameterName, 'Deleted when its last consumer goes')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;queue;delete' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('--vhost', '--vhost', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--if-unused', '--if-unused', [CompletionResultType]::ParameterName, 'Only when it has no consumers')
            [CompletionResult]::new('--if-empty', '--if-empty', [CompletionResultType]::ParameterName, 'Only when it has no ready messages')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;queue;purge' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('--vhost', '--vhost', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;queue;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Queues with ready and unacknowledged messages, consumers and their log topic')
            [CompletionResult]::new('declare', 'declare', [CompletionResultType]::ParameterValue, 'Declare a queue; an existing one must have the same flags and x- arguments')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a queue with its messages')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Drop a queue''s ready messages (unacknowledged ones stay)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;queue;help;list' {
            break
        }
        'robustmq;queue;help;declare' {
            break
        }
        'robustmq;queue;help;delete' {
            break
        }
        'robustmq;queue;help;purge' {
            break
        }
        'robustmq;queue;help;help' {
            break
        }
        'robustmq;binding' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Bindings: source exchange, destination queue or exchange, routing key, arguments')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Bind a queue (or, with --to-exchange, an exchange) to an exchange')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a binding (same routing key and arguments as it was made with)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;binding;list' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only this virtual host (default: all)')
            [CompletionResult]::new('--vhost', '--vhost', [CompletionResultType]::ParameterName, 'Only this virtual host (default: all)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;binding;add' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('--vhost', '--vhost', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Routing key (binding key) of the binding')
            [CompletionResult]::new('--routing-key', '--routing-key', [CompletionResultType]::ParameterName, 'Routing key (binding key) of the binding')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'An argument, KEY=VALUE (repeatable). VALUE is read as JSON when it parses (60000, true, "text", [1,2]), else as a string: --arg x-message-ttl=60000')
            [CompletionResult]::new('--arguments', '--arguments', [CompletionResultType]::ParameterName, 'All arguments as one JSON object (merged under --arg)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--to-exchange', '--to-exchange', [CompletionResultType]::ParameterName, 'The destination is an exchange')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;binding;delete' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('--vhost', '--vhost', [CompletionResultType]::ParameterName, 'Virtual host')
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Routing key (binding key) of the binding')
            [CompletionResult]::new('--routing-key', '--routing-key', [CompletionResultType]::ParameterName, 'Routing key (binding key) of the binding')
            [CompletionResult]::new('--arg', '--arg', [CompletionResultType]::ParameterName, 'An argument, KEY=VALUE (repeatable). VALUE is read as JSON when it parses (60000, true, "text", [1,2]), else as a string: --arg x-message-ttl=60000')
            [CompletionResult]::new('--arguments', '--arguments', [CompletionResultType]::ParameterName, 'All arguments as one JSON object (merged under --arg)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--to-exchange', '--to-exchange', [CompletionResultType]::ParameterName, 'The destination is an exchange')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;binding;help' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Bindings: source exchange, destination queue or exchange, routing key, arguments')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Bind a queue (or, with --to-exchange, an exchange) to an exchange')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a binding (same routing key and arguments as it was made with)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;binding;help;list' {
            break
        }
        'robustmq;binding;help;add' {
            break
        }
        'robustmq;binding;help;delete' {
            break
        }
        'robustmq;binding;help;help' {
            break
        }
        'robustmq;produce' {
            [CompletionResult]::new('-k', '-k', [CompletionResultType]::ParameterName, 'Key of every record (default: no key, records spread over partitions)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Key of every record (default: no key, records spread over partitions)')
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Partition of every record (default: by key hash, like Kafka''s default partitioner)')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Partition of every record (default: by key hash, like Kafka''s default partitioner)')
            [CompletionResult]::new('-H', '-H ', [CompletionResultType]::ParameterName, 'A header added to every record, NAME=VALUE (repeatable)')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'A header added to every record, NAME=VALUE (repeatable)')
            [CompletionResult]::new('-K', '-K ', [CompletionResultType]::ParameterName, 'Split each line into key and value at the first SEP (like kcat -K); a line without SEP has no key. `\t` means a tab')
            [CompletionResult]::new('--key-separator', '--key-separator', [CompletionResultType]::ParameterName, 'Split each line into key and value at the first SEP (like kcat -K); a line without SEP has no key. `\t` means a tab')
            [CompletionResult]::new('--file', '--file', [CompletionResultType]::ParameterName, 'Read records from this file instead of stdin (repeatable, read in order)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;consume' {
            [CompletionResult]::new('-p', '-p', [CompletionResultType]::ParameterName, 'Only these partitions (repeatable; default: all)')
            [CompletionResult]::new('--partition', '--partition', [CompletionResultType]::ParameterName, 'Only these partitions (repeatable; default: all)')
            [CompletionResult]::new('--offset', '--offset', [CompletionResultType]::ParameterName, 'Start at this offset in every partition')
            [CompletionResult]::new('--from-timestamp', '--from-timestamp', [CompletionResultType]::ParameterName, 'Start at the first record at or after this time: epoch ms or RFC 3339')
            [CompletionResult]::new('-g', '-g', [CompletionResultType]::ParameterName, 'Start at this group''s committed offsets and commit what is printed')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Start at this group''s committed offsets and commit what is printed')
            [CompletionResult]::new('-c', '-c', [CompletionResultType]::ParameterName, 'Stop after N records')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Stop after N records')
            [CompletionResult]::new('-F', '-F ', [CompletionResultType]::ParameterName, 'How to print each record: %t topic, %p partition, %o offset, %k key, %v value, %T timestamp (ms), %h headers (k=v,...), %% a percent sign; \n \t \r \\ escapes. Ignored with -o json')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to print each record: %t topic, %p partition, %o offset, %k key, %v value, %T timestamp (ms), %h headers (k=v,...), %% a percent sign; \n \t \r \\ escapes. Ignored with -o json')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-b', '-b', [CompletionResultType]::ParameterName, 'Start at the log start of each partition (with --group: where it has no commit)')
            [CompletionResult]::new('--from-beginning', '--from-beginning', [CompletionResultType]::ParameterName, 'Start at the log start of each partition (with --group: where it has no commit)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep waiting for new records when caught up (until Ctrl-C or --count)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep waiting for new records when caught up (until Ctrl-C or --count)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;completions' {
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;top' {
            [CompletionResult]::new('--interval-ms', '--interval-ms', [CompletionResultType]::ParameterName, 'Refresh interval in milliseconds (how often robustmqd sends a snapshot)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'Admin address of robustmqd (`host:port` or `http://host:port`)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token, when robustmqd sets `[admin] token`')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format: a table for people, or JSON for scripts')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'robustmq;help' {
            [CompletionResult]::new('cluster', 'cluster', [CompletionResultType]::ParameterValue, 'Show the node: roles, version, uptime, listeners and data-dir usage')
            [CompletionResult]::new('topic', 'topic', [CompletionResultType]::ParameterValue, 'List, describe, create, alter and delete topics')
            [CompletionResult]::new('group', 'group', [CompletionResultType]::ParameterValue, 'Inspect consumer groups, their lag, and reset or delete their offsets')
            [CompletionResult]::new('user', 'user', [CompletionResultType]::ParameterValue, 'Manage users (stored as salted SCRAM-SHA-256 credentials for protocol authentication)')
            [CompletionResult]::new('acl', 'acl', [CompletionResultType]::ParameterValue, 'Manage access control lists (Kafka''s model), enforced on Kafka and MQTT')
            [CompletionResult]::new('vhost', 'vhost', [CompletionResultType]::ParameterValue, 'Manage AMQP virtual hosts (each its own namespace of exchanges and queues)')
            [CompletionResult]::new('exchange', 'exchange', [CompletionResultType]::ParameterValue, 'List, declare and delete AMQP exchanges')
            [CompletionResult]::new('queue', 'queue', [CompletionResultType]::ParameterValue, 'List, declare, purge and delete AMQP queues (with message and consumer counts)')
            [CompletionResult]::new('binding', 'binding', [CompletionResultType]::ParameterValue, 'List, add and delete AMQP bindings (exchange to queue, exchange to exchange)')
            [CompletionResult]::new('produce', 'produce', [CompletionResultType]::ParameterValue, 'Write records to a topic, one per line of stdin or of the given files')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Read records from a topic and print them (kcat-style format strings)')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a shell completion script for robustmq to stdout')
            [CompletionResult]::new('top', 'top', [CompletionResultType]::ParameterValue, 'Live dashboard of rates, topics and groups (press q to quit)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq;help;cluster' {
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Roles, version, uptime, listeners and data-dir usage of each node')
            break
        }
        'robustmq;help;cluster;status' {
            break
        }
        'robustmq;help;topic' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every topic with its partition count, records and size')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Partitions with offsets and sizes, and every config with its effective value')
            [CompletionResult]::new('create', 'create', [CompletionResultType]::ParameterValue, 'Create a topic')
            [CompletionResult]::new('alter', 'alter', [CompletionResultType]::ParameterValue, 'Set or remove per-topic config overrides')
            [CompletionResult]::new('add-partitions', 'add-partitions', [CompletionResultType]::ParameterValue, 'Grow a topic to a total number of partitions (topics never shrink)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a topic and all its records')
            break
        }
        'robustmq;help;topic;list' {
            break
        }
        'robustmq;help;topic;describe' {
            break
        }
        'robustmq;help;topic;create' {
            break
        }
        'robustmq;help;topic;alter' {
            break
        }
        'robustmq;help;topic;add-partitions' {
            break
        }
        'robustmq;help;topic;delete' {
            break
        }
        'robustmq;help;group' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every consumer group with its state, members and total lag')
            [CompletionResult]::new('describe', 'describe', [CompletionResultType]::ParameterValue, 'Members with their assignments, and committed offset and lag per partition')
            [CompletionResult]::new('reset-offsets', 'reset-offsets', [CompletionResultType]::ParameterValue, 'Move a group''s committed offsets (only while the group has no active members)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a group and its committed offsets (only while it has no active members)')
            break
        }
        'robustmq;help;group;list' {
            break
        }
        'robustmq;help;group;describe' {
            break
        }
        'robustmq;help;group;reset-offsets' {
            break
        }
        'robustmq;help;group;delete' {
            break
        }
        'robustmq;help;user' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every user with its SCRAM mechanism and iteration count (never the password)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a user, or replace an existing user''s password')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a user')
            break
        }
        'robustmq;help;user;list' {
            break
        }
        'robustmq;help;user;add' {
            break
        }
        'robustmq;help;user;delete' {
            break
        }
        'robustmq;help;acl' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'The bindings that match the given filters (all of them without filters)')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Allow (or with --deny, deny) principals operations on a resource')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete every binding that matches the filters (at least one is required)')
            break
        }
        'robustmq;help;acl;list' {
            break
        }
        'robustmq;help;acl;add' {
            break
        }
        'robustmq;help;acl;delete' {
            break
        }
        'robustmq;help;vhost' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Every virtual host with its exchanges, queues and ready messages')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Create a virtual host (succeeds when it exists already)')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a virtual host with its queues (and their messages), exchanges and bindings; its connections are closed')
            break
        }
        'robustmq;help;vhost;list' {
            break
        }
        'robustmq;help;vhost;add' {
            break
        }
        'robustmq;help;vhost;delete' {
            break
        }
        'robustmq;help;exchange' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Exchanges with their type, flags and arguments')
            [CompletionResult]::new('declare', 'declare', [CompletionResultType]::ParameterValue, 'Declare an exchange; an existing one must have the same type and flags')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete an exchange and its bindings')
            break
        }
        'robustmq;help;exchange;list' {
            break
        }
        'robustmq;help;exchange;declare' {
            break
        }
        'robustmq;help;exchange;delete' {
            break
        }
        'robustmq;help;queue' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Queues with ready and unacknowledged messages, consumers and their log topic')
            [CompletionResult]::new('declare', 'declare', [CompletionResultType]::ParameterValue, 'Declare a queue; an existing one must have the same flags and x- arguments')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Delete a queue with its messages')
            [CompletionResult]::new('purge', 'purge', [CompletionResultType]::ParameterValue, 'Drop a queue''s ready messages (unacknowledged ones stay)')
            break
        }
        'robustmq;help;queue;list' {
            break
        }
        'robustmq;help;queue;declare' {
            break
        }
        'robustmq;help;queue;delete' {
            break
        }
        'robustmq;help;queue;purge' {
            break
        }
        'robustmq;help;binding' {
            [CompletionResult]::new('list', 'list', [CompletionResultType]::ParameterValue, 'Bindings: source exchange, destination queue or exchange, routing key, arguments')
            [CompletionResult]::new('add', 'add', [CompletionResultType]::ParameterValue, 'Bind a queue (or, with --to-exchange, an exchange) to an exchange')
            [CompletionResult]::new('delete', 'delete', [CompletionResultType]::ParameterValue, 'Remove a binding (same routing key and arguments as it was made with)')
            break
        }
        'robustmq;help;binding;list' {
            break
        }
        'robustmq;help;binding;add' {
            break
        }
        'robustmq;help;binding;delete' {
            break
        }
        'robustmq;help;produce' {
            break
        }
        'robustmq;help;consume' {
            break
        }
        'robustmq;help;completions' {
            break
        }
        'robustmq;help;top' {
            break
        }
        'robustmq;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
