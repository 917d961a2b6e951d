
use builtin;
use str;

set edit:completion:arg-completer[robustmq] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'robustmq'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'robustmq'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand cluster 'Show the node: roles, version, uptime, listeners and data-dir usage'
            cand topic 'List, describe, create, alter and delete topics'
            cand group 'Inspect consumer groups, their lag, and reset or delete their offsets'
            cand user 'Manage users (stored as salted SCRAM-SHA-256 credentials for protocol authentication)'
            cand acl 'Manage access control lists (Kafka''s model), enforced on Kafka and MQTT'
            cand vhost 'Manage AMQP virtual hosts (each its own namespace of exchanges and queues)'
            cand exchange 'List, declare and delete AMQP exchanges'
            cand queue 'List, declare, purge and delete AMQP queues (with message and consumer counts)'
            cand binding 'List, add and delete AMQP bindings (exchange to queue, exchange to exchange)'
            cand produce 'Write records to a topic, one per line of stdin or of the given files'
            cand consume 'Read records from a topic and print them (kcat-style format strings)'
            cand completions 'Print a shell completion script for robustmq to stdout'
            cand top 'Live dashboard of rates, topics and groups (press q to quit)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;cluster'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand status 'Roles, version, uptime, listeners and data-dir usage of each node'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;cluster;status'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;cluster;help'= {
            cand status 'Roles, version, uptime, listeners and data-dir usage of each node'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;cluster;help;status'= {
        }
        &'robustmq;cluster;help;help'= {
        }
        &'robustmq;topic'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Every topic with its partition count, records and size'
            cand describe 'Partitions with offsets and sizes, and every config with its effective value'
            cand create 'Create a topic'
            cand alter 'Set or remove per-topic config overrides'
            cand add-partitions 'Grow a topic to a total number of partitions (topics never shrink)'
            cand delete 'Delete a topic and all its records'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;topic;list'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;topic;describe'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;topic;create'= {
            cand -p 'Number of partitions; the daemon''s default when omitted'
            cand --partitions 'Number of partitions; the daemon''s default when omitted'
            cand -c 'A topic config as NAME=VALUE (repeatable), e.g. retention.ms=86400000'
            cand --config 'A topic config as NAME=VALUE (repeatable), e.g. retention.ms=86400000'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;topic;alter'= {
            cand -c 'Set a config override, NAME=VALUE (repeatable)'
            cand --config 'Set a config override, NAME=VALUE (repeatable)'
            cand --delete-config 'Remove an override so the default applies again (repeatable)'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;topic;add-partitions'= {
            cand --total 'The partition count the topic should have afterwards'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;topic;delete'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -y 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand --yes 'Do not ask for confirmation (required when stdin is not a terminal)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;topic;help'= {
            cand list 'Every topic with its partition count, records and size'
            cand describe 'Partitions with offsets and sizes, and every config with its effective value'
            cand create 'Create a topic'
            cand alter 'Set or remove per-topic config overrides'
            cand add-partitions 'Grow a topic to a total number of partitions (topics never shrink)'
            cand delete 'Delete a topic and all its records'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;topic;help;list'= {
        }
        &'robustmq;topic;help;describe'= {
        }
        &'robustmq;topic;help;create'= {
        }
        &'robustmq;topic;help;alter'= {
        }
        &'robustmq;topic;help;add-partitions'= {
        }
        &'robustmq;topic;help;delete'= {
        }
        &'robustmq;topic;help;help'= {
        }
        &'robustmq;group'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Every consumer group with its state, members and total lag'
            cand describe 'Members with their assignments, and committed offset and lag per partition'
            cand reset-offsets 'Move a group''s committed offsets (only while the group has no active members)'
            cand delete 'Delete a group and its committed offsets (only while it has no active members)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;group;list'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;group;describe'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;group;reset-offsets'= {
            cand -t 'The topic whose offsets to reset'
            cand --topic 'The topic whose offsets to reset'
            cand -p 'Only these partitions (repeatable); all partitions of the topic when omitted'
            cand --partition 'Only these partitions (repeatable); all partitions of the topic when omitted'
            cand --to-datetime 'The first record at or after this time: RFC 3339 (2024-05-01T12:00:00Z) or epoch ms'
            cand --to-offset 'This offset, clamped to each partition''s [log start, log end]'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand --to-earliest 'The log start of each partition'
            cand --to-latest 'The log end of each partition (skip everything not yet consumed)'
            cand --dry-run 'Show the new offsets without committing them'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;group;delete'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;group;help'= {
            cand list 'Every consumer group with its state, members and total lag'
            cand describe 'Members with their assignments, and committed offset and lag per partition'
            cand reset-offsets 'Move a group''s committed offsets (only while the group has no active members)'
            cand delete 'Delete a group and its committed offsets (only while it has no active members)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;group;help;list'= {
        }
        &'robustmq;group;help;describe'= {
        }
        &'robustmq;group;help;reset-offsets'= {
        }
        &'robustmq;group;help;delete'= {
        }
        &'robustmq;group;help;help'= {
        }
        &'robustmq;user'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Every user with its SCRAM mechanism and iteration count (never the password)'
            cand add 'Create a user, or replace an existing user''s password'
            cand delete 'Delete a user'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;user;list'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;user;add'= {
            cand --password 'The password (visible in `ps` and shell history; prefer --password-stdin)'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand --password-stdin 'Read the password from the first line of stdin'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;user;delete'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;user;help'= {
            cand list 'Every user with its SCRAM mechanism and iteration count (never the password)'
            cand add 'Create a user, or replace an existing user''s password'
            cand delete 'Delete a user'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;user;help;list'= {
        }
        &'robustmq;user;help;add'= {
        }
        &'robustmq;user;help;delete'= {
        }
        &'robustmq;user;help;help'= {
        }
        &'robustmq;acl'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'The bindings that match the given filters (all of them without filters)'
            cand add 'Allow (or with --deny, deny) principals operations on a resource'
            cand delete 'Delete every binding that matches the filters (at least one is required)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;acl;list'= {
            cand --topic 'A topic (Kafka topic or MQTT topic name); `*` for every topic'
            cand --group 'A consumer group; `*` for every group'
            cand --transactional-id 'A transactional id; `*` for every one'
            cand --pattern 'How bindings'' names must match the given name (default: that name, any pattern)'
            cand --principal 'principal'
            cand --host 'host'
            cand --operation 'operation'
            cand --permission 'allow or deny'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand --cluster 'The cluster (for create, describe, alter, idempotent-write and the like)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;acl;add'= {
            cand --principal 'Who: `User:<name>` (`User:*` for everyone, `User:ANONYMOUS` for clients that did not authenticate). Repeat for several'
            cand --operation 'What may (or may not) be done. Repeat for several'
            cand --topic 'A topic (Kafka topic or MQTT topic name); `*` for every topic'
            cand --group 'A consumer group; `*` for every group'
            cand --transactional-id 'A transactional id; `*` for every one'
            cand --host 'The client address the binding applies to'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand --cluster 'The cluster (for create, describe, alter, idempotent-write and the like)'
            cand --prefixed 'The name is a prefix: the binding applies to every resource whose name starts with it'
            cand --deny 'A DENY binding (it wins over any ALLOW) instead of ALLOW'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;acl;delete'= {
            cand --topic 'A topic (Kafka topic or MQTT topic name); `*` for every topic'
            cand --group 'A consumer group; `*` for every group'
            cand --transactional-id 'A transactional id; `*` for every one'
            cand --pattern 'How bindings'' names must match the given name (default: that name, any pattern)'
            cand --principal 'principal'
            cand --host 'host'
            cand --operation 'operation'
            cand --permission 'allow or deny'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand --cluster 'The cluster (for create, describe, alter, idempotent-write and the like)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;acl;help'= {
            cand list 'The bindings that match the given filters (all of them without filters)'
            cand add 'Allow (or with --deny, deny) principals operations on a resource'
            cand delete 'Delete every binding that matches the filters (at least one is required)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;acl;help;list'= {
        }
        &'robustmq;acl;help;add'= {
        }
        &'robustmq;acl;help;delete'= {
        }
        &'robustmq;acl;help;help'= {
        }
        &'robustmq;vhost'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Every virtual host with its exchanges, queues and ready messages'
            cand add 'Create a virtual host (succeeds when it exists already)'
            cand delete 'Delete a virtual host with its queues (and their messages), exchanges and bindings; its connections are closed'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;vhost;list'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;vhost;add'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;vhost;delete'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;vhost;help'= {
            cand list 'Every virtual host with its exchanges, queues and ready messages'
            cand add 'Create a virtual host (succeeds when it exists already)'
            cand delete 'Delete a virtual host with its queues (and their messages), exchanges and bindings; its connections are closed'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;vhost;help;list'= {
        }
        &'robustmq;vhost;help;add'= {
        }
        &'robustmq;vhost;help;delete'= {
        }
        &'robustmq;vhost;help;help'= {
        }
        &'robustmq;exchange'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Exchanges with their type, flags and arguments'
            cand declare 'Declare an exchange; an existing one must have the same type and flags'
            cand delete 'Delete an exchange and its bindings'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;exchange;list'= {
            cand -p 'Only this virtual host (default: all)'
            cand --vhost 'Only this virtual host (default: all)'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;exchange;declare'= {
            cand -p 'Virtual host'
            cand --vhost 'Virtual host'
            cand --type 'direct, fanout, topic or headers'
            cand --arg 'An argument, KEY=VALUE (repeatable). VALUE is read as JSON when it parses (60000, true, "text", [1,2]), else as a string: --arg x-message-ttl=60000'
            cand --arguments 'All arguments as one JSON object (merged under --arg)'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand --transient 'Not durable: gone after a restart (durable is the default, as in rabbitmqadmin)'
            cand --auto-delete 'Deleted when its last binding goes'
            cand --internal 'Clients cannot publish to it, only other exchanges'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;exchange;delete'= {
            cand -p 'Virtual host'
            cand --vhost 'Virtual host'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand --if-unused 'Only when it has no bindings'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;exchange;help'= {
            cand list 'Exchanges with their type, flags and arguments'
            cand declare 'Declare an exchange; an existing one must have the same type and flags'
            cand delete 'Delete an exchange and its bindings'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;exchange;help;list'= {
        }
        &'robustmq;exchange;help;declare'= {
        }
        &'robustmq;exchange;help;delete'= {
        }
        &'robustmq;exchange;help;help'= {
        }
        &'robustmq;queue'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Queues with ready and unacknowledged messages, consumers and their log topic'
            cand declare 'Declare a queue; an existing one must have the same flags and x- arguments'
            cand delete 'Delete a queue with its messages'
            cand purge 'Drop a queue''s ready messages (unacknowledged ones stay)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;queue;list'= {
            cand -p 'Only this virtual host (default: all)'
            cand --vhost 'Only this virtual host (default: all)'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;queue;declare'= {
            cand -p 'Virtual host'
            cand --vhost 'Virtual host'
            cand --arg 'An argument, KEY=VALUE (repeatable). VALUE is read as JSON when it parses (60000, true, "text", [1,2]), else as a string: --arg x-message-ttl=60000'
            cand --arguments 'All arguments as one JSON object (merged under --arg)'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand --transient 'Not durable: gone after a restart (durable is the default, as in rabbitmqadmin)'
            cand --auto-delete 'Deleted when its last consumer goes'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;queue;delete'= {
            cand -p 'Virtual host'
            cand --vhost 'Virtual host'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand --if-unused 'Only when it has no consumers'
            cand --if-empty 'Only when it has no ready messages'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;queue;purge'= {
            cand -p 'Virtual host'
            cand --vhost 'Virtual host'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;queue;help'= {
            cand list 'Queues with ready and unacknowledged messages, consumers and their log topic'
            cand declare 'Declare a queue; an existing one must have the same flags and x- arguments'
            cand delete 'Delete a queue with its messages'
            cand purge 'Drop a queue''s ready messages (unacknowledged ones stay)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;queue;help;list'= {
        }
        &'robustmq;queue;help;declare'= {
        }
        &'robustmq;queue;help;delete'= {
        }
        &'robustmq;queue;help;purge'= {
        }
        &'robustmq;queue;help;help'= {
        }
        &'robustmq;binding'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand list 'Bindings: source exchange, destination queue or exchange, routing key, arguments'
            cand add 'Bind a queue (or, with --to-exchange, an exchange) to an exchange'
            cand delete 'Remove a binding (same routing key and arguments as it was made with)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;binding;list'= {
            cand -p 'Only this virtual host (default: all)'
            cand --vhost 'Only this virtual host (default: all)'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;binding;add'= {
            cand -p 'Virtual host'
            cand --vhost 'Virtual host'
            cand -k 'Routing key (binding key) of the binding'
            cand --routing-key 'Routing key (binding key) of the binding'
            cand --arg 'An argument, KEY=VALUE (repeatable). VALUE is read as JSON when it parses (60000, true, "text", [1,2]), else as a string: --arg x-message-ttl=60000'
            cand --arguments 'All arguments as one JSON object (merged under --arg)'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand --to-exchange 'The destination is an exchange'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;binding;delete'= {
            cand -p 'Virtual host'
            cand --vhost 'Virtual host'
            cand -k 'Routing key (binding key) of the binding'
            cand --routing-key 'Routing key (binding key) of the binding'
            cand --arg 'An argument, KEY=VALUE (repeatable). VALUE is read as JSON when it parses (60000, true, "text", [1,2]), else as a string: --arg x-message-ttl=60000'
            cand --arguments 'All arguments as one JSON object (merged under --arg)'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand --to-exchange 'The destination is an exchange'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;binding;help'= {
            cand list 'Bindings: source exchange, destination queue or exchange, routing key, arguments'
            cand add 'Bind a queue (or, with --to-exchange, an exchange) to an exchange'
            cand delete 'Remove a binding (same routing key and arguments as it was made with)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;binding;help;list'= {
        }
        &'robustmq;binding;help;add'= {
        }
        &'robustmq;binding;help;delete'= {
        }
        &'robustmq;binding;help;help'= {
        }
        &'robustmq;produce'= {
            cand -k 'Key of every record (default: no key, records spread over partitions)'
            cand --key 'Key of every record (default: no key, records spread over partitions)'
            cand -p 'Partition of every record (default: by key hash, like Kafka''s default partitioner)'
            cand --partition 'Partition of every record (default: by key hash, like Kafka''s default partitioner)'
            cand -H 'A header added to every record, NAME=VALUE (repeatable)'
            cand --header 'A header added to every record, NAME=VALUE (repeatable)'
            cand -K 'Split each line into key and value at the first SEP (like kcat -K); a line without SEP has no key. `\t` means a tab'
            cand --key-separator 'Split each line into key and value at the first SEP (like kcat -K); a line without SEP has no key. `\t` means a tab'
            cand --file 'Read records from this file instead of stdin (repeatable, read in order)'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;consume'= {
            cand -p 'Only these partitions (repeatable; default: all)'
            cand --partition 'Only these partitions (repeatable; default: all)'
            cand --offset 'Start at this offset in every partition'
            cand --from-timestamp 'Start at the first record at or after this time: epoch ms or RFC 3339'
            cand -g 'Start at this group''s committed offsets and commit what is printed'
            cand --group 'Start at this group''s committed offsets and commit what is printed'
            cand -c 'Stop after N records'
            cand --count 'Stop after N records'
            cand -F 'How to print each record: %t topic, %p partition, %o offset, %k key, %v value, %T timestamp (ms), %h headers (k=v,...), %% a percent sign; \n \t \r \\ escapes. Ignored with -o json'
            cand --format 'How to print each record: %t topic, %p partition, %o offset, %k key, %v value, %T timestamp (ms), %h headers (k=v,...), %% a percent sign; \n \t \r \\ escapes. Ignored with -o json'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -b 'Start at the log start of each partition (with --group: where it has no commit)'
            cand --from-beginning 'Start at the log start of each partition (with --group: where it has no commit)'
            cand -f 'Keep waiting for new records when caught up (until Ctrl-C or --count)'
            cand --follow 'Keep waiting for new records when caught up (until Ctrl-C or --count)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;completions'= {
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;top'= {
            cand --interval-ms 'Refresh interval in milliseconds (how often robustmqd sends a snapshot)'
            cand --server 'Admin address of robustmqd (`host:port` or `http://host:port`)'
            cand --token 'Bearer token, when robustmqd sets `[admin] token`'
            cand -o 'Output format: a table for people, or JSON for scripts'
            cand --output 'Output format: a table for people, or JSON for scripts'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'robustmq;help'= {
            cand cluster 'Show the node: roles, version, uptime, listeners and data-dir usage'
            cand topic 'List, describe, create, alter and delete topics'
            cand group 'Inspect consumer groups, their lag, and reset or delete their offsets'
            cand user 'Manage users (stored as salted SCRAM-SHA-256 credentials for protocol authentication)'
            cand acl 'Manage access control lists (Kafka''s model), enforced on Kafka and MQTT'
            cand vhost 'Manage AMQP virtual hosts (each its own namespace of exchanges and queues)'
            cand exchange 'List, declare and delete AMQP exchanges'
            cand queue 'List, declare, purge and delete AMQP queues (with message and consumer counts)'
            cand binding 'List, add and delete AMQP bindings (exchange to queue, exchange to exchange)'
            cand produce 'Write records to a topic, one per line of stdin or of the given files'
            cand consume 'Read records from a topic and print them (kcat-style format strings)'
            cand completions 'Print a shell completion script for robustmq to stdout'
            cand top 'Live dashboard of rates, topics and groups (press q to quit)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq;help;cluster'= {
            cand status 'Roles, version, uptime, listeners and data-dir usage of each node'
        }
        &'robustmq;help;cluster;status'= {
        }
        &'robustmq;help;topic'= {
            cand list 'Every topic with its partition count, records and size'
            cand describe 'Partitions with offsets and sizes, and every config with its effective value'
            cand create 'Create a topic'
            cand alter 'Set or remove per-topic config overrides'
            cand add-partitions 'Grow a topic to a total number of partitions (topics never shrink)'
            cand delete 'Delete a topic and all its records'
        }
        &'robustmq;help;topic;list'= {
        }
        &'robustmq;help;topic;describe'= {
        }
        &'robustmq;help;topic;create'= {
        }
        &'robustmq;help;topic;alter'= {
        }
        &'robustmq;help;topic;add-partitions'= {
        }
        &'robustmq;help;topic;delete'= {
        }
        &'robustmq;help;group'= {
            cand list 'Every consumer group with its state, members and total lag'
            cand describe 'Members with their assignments, and committed offset and lag per partition'
            cand reset-offsets 'Move a group''s committed offsets (only while the group has no active members)'
            cand delete 'Delete a group and its committed offsets (only while it has no active members)'
        }
        &'robustmq;help;group;list'= {
        }
        &'robustmq;help;group;describe'= {
        }
        &'robustmq;help;group;reset-offsets'= {
        }
        &'robustmq;help;group;delete'= {
        }
        &'robustmq;help;user'= {
            cand list 'Every user with its SCRAM mechanism and iteration count (never the password)'
            cand add 'Create a user, or replace an existing user''s password'
            cand delete 'Delete a user'
        }
        &'robustmq;help;user;list'= {
        }
        &'robustmq;help;user;add'= {
        }
        &'robustmq;help;user;delete'= {
        }
        &'robustmq;help;acl'= {
            cand list 'The bindings that match the given filters (all of them without filters)'
            cand add 'Allow (or with --deny, deny) principals operations on a resource'
            cand delete 'Delete every binding that matches the filters (at least one is required)'
        }
        &'robustmq;help;acl;list'= {
        }
        &'robustmq;help;acl;add'= {
        }
        &'robustmq;help;acl;delete'= {
        }
        &'robustmq;help;vhost'= {
            cand list 'Every virtual host with its exchanges, queues and ready messages'
            cand add 'Create a virtual host (succeeds when it exists already)'
            cand delete 'Delete a virtual host with its queues (and their messages), exchanges and bindings; its connections are closed'
        }
        &'robustmq;help;vhost;list'= {
        }
        &'robustmq;help;vhost;add'= {
        }
        &'robustmq;help;vhost;delete'= {
        }
        &'robustmq;help;exchange'= {
            cand list 'Exchanges with their type, flags and arguments'
            cand declare 'Declare an exchange; an existing one must have the same type and flags'
            cand delete 'Delete an exchange and its bindings'
        }
        &'robustmq;help;exchange;list'= {
        }
        &'robustmq;help;exchange;declare'= {
        }
        &'robustmq;help;exchange;delete'= {
        }
        &'robustmq;help;queue'= {
            cand list 'Queues with ready and unacknowledged messages, consumers and their log topic'
            cand declare 'Declare a queue; an existing one must have the same flags and x- arguments'
            cand delete 'Delete a queue with its messages'
            cand purge 'Drop a queue''s ready messages (unacknowledged ones stay)'
        }
        &'robustmq;help;queue;list'= {
        }
        &'robustmq;help;queue;declare'= {
        }
        &'robustmq;help;queue;delete'= {
        }
        &'robustmq;help;queue;purge'= {
        }
        &'robustmq;help;binding'= {
            cand list 'Bindings: source exchange, destination queue or exchange, routing key, arguments'
            cand add 'Bind a queue (or, with --to-exchange, an exchange) to an exchange'
            cand delete 'Remove a binding (same routing key and arguments as it was made with)'
        }
        &'robustmq;help;binding;list'= {
        }
        &'robustmq;help;binding;add'= {
        }
        &'robustmq;help;binding;delete'= {
        }
        &'robustmq;help;produce'= {
        }
        &'robustmq;help;consume'= {
        }
        &'robustmq;help;completions'= {
        }
        &'robustmq;help;top'= {
        }
        &'robustmq;help;help'= {
        }
    ]
    $completions[$command]
}
