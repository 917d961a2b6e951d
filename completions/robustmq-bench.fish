# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_robustmq_bench_global_optspecs
    string join \n h/help V/version
end

function __fish_robustmq_bench_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_robustmq_bench_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_robustmq_bench_using_subcommand
    set -l cmd (__fish_robustmq_bench_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c robustmq-bench -n "__fish_robustmq_bench_needs_command" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_needs_command" -s V -l version -d 'Print version'
complete -c robustmq-bench -n "__fish_robustmq_bench_needs_command" -f -a "kafka" -d 'Kafka producers and consumers (librdkafka)'
complete -c robustmq-bench -n "__fish_robustmq_bench_needs_command" -f -a "mqtt" -d 'MQTT publishers and subscribers (3.1.1 or 5), and idle connections (3.1.1)'
complete -c robustmq-bench -n "__fish_robustmq_bench_needs_command" -f -a "amqp" -d 'AMQP 0-9-1 publishers and consumers (queues, publisher confirms, prefetch)'
complete -c robustmq-bench -n "__fish_robustmq_bench_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and not __fish_seen_subcommand_from produce consume e2e help" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and not __fish_seen_subcommand_from produce consume e2e help" -f -a "produce" -d 'Produce only; rates and latency count broker acknowledgements'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and not __fish_seen_subcommand_from produce consume e2e help" -f -a "consume" -d 'Consume only, from the beginning of the topic(s)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and not __fish_seen_subcommand_from produce consume e2e help" -f -a "e2e" -d 'Produce and consume in one process: end-to-end latency from the payload timestamp'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and not __fish_seen_subcommand_from produce consume e2e help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l target -d 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l size -d 'Payload size in bytes (the first 16 carry the send time and a run nonce)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l count -d 'Messages in total (sent, or received for consume/sub); stops the run when reached' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l duration -d 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l rate -d 'Total messages per second over all senders; 0 = as fast as possible' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l warmup -d 'Seconds at the start whose messages are not measured' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l topic -d 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l topics -d 'Number of topics; senders spread messages over them round-robin' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l drain -d 'Seconds to wait for outstanding acks and messages after sending stops' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l json -d 'Write the report as JSON to this file' -r -F
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l acks -d 'Producer acks: all (-1), 1 or 0' -r -f -a "all\t''
-1\t''
0\t''
1\t''"
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l producers -d 'Producer instances (each one librdkafka client with its own connection)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l consumers -d 'Consumer instances; partitions are spread over them' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l partitions -d 'Partitions per topic when the tool creates the topic' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l compression -d 'Producer compression' -r -f -a "none\t''
gzip\t''
snappy\t''
lz4\t''"
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l linger-ms -d 'Producer linger.ms' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l batch-size -d 'Producer batch.size in bytes' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l group -d 'Consume through this consumer group (subscribe) instead of assigning partitions directly' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l transaction-records -d 'Produce in transactions of this many records each (0: no transactions). Each producer gets its own transactional id and commits every N records' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -s X -l config -d 'Extra librdkafka settings, KEY=VALUE, for producers and consumers' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -l no-progress -d 'Never draw the progress line (it is drawn only on a terminal anyway)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from produce" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l target -d 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l size -d 'Payload size in bytes (the first 16 carry the send time and a run nonce)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l count -d 'Messages in total (sent, or received for consume/sub); stops the run when reached' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l duration -d 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l rate -d 'Total messages per second over all senders; 0 = as fast as possible' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l warmup -d 'Seconds at the start whose messages are not measured' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l topic -d 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l topics -d 'Number of topics; senders spread messages over them round-robin' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l drain -d 'Seconds to wait for outstanding acks and messages after sending stops' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l json -d 'Write the report as JSON to this file' -r -F
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l acks -d 'Producer acks: all (-1), 1 or 0' -r -f -a "all\t''
-1\t''
0\t''
1\t''"
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l producers -d 'Producer instances (each one librdkafka client with its own connection)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l consumers -d 'Consumer instances; partitions are spread over them' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l partitions -d 'Partitions per topic when the tool creates the topic' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l compression -d 'Producer compression' -r -f -a "none\t''
gzip\t''
snappy\t''
lz4\t''"
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l linger-ms -d 'Producer linger.ms' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l batch-size -d 'Producer batch.size in bytes' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l group -d 'Consume through this consumer group (subscribe) instead of assigning partitions directly' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l transaction-records -d 'Produce in transactions of this many records each (0: no transactions). Each producer gets its own transactional id and commits every N records' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -s X -l config -d 'Extra librdkafka settings, KEY=VALUE, for producers and consumers' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -l no-progress -d 'Never draw the progress line (it is drawn only on a terminal anyway)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from consume" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l target -d 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l size -d 'Payload size in bytes (the first 16 carry the send time and a run nonce)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l count -d 'Messages in total (sent, or received for consume/sub); stops the run when reached' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l duration -d 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l rate -d 'Total messages per second over all senders; 0 = as fast as possible' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l warmup -d 'Seconds at the start whose messages are not measured' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l topic -d 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l topics -d 'Number of topics; senders spread messages over them round-robin' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l drain -d 'Seconds to wait for outstanding acks and messages after sending stops' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l json -d 'Write the report as JSON to this file' -r -F
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l acks -d 'Producer acks: all (-1), 1 or 0' -r -f -a "all\t''
-1\t''
0\t''
1\t''"
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l producers -d 'Producer instances (each one librdkafka client with its own connection)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l consumers -d 'Consumer instances; partitions are spread over them' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l partitions -d 'Partitions per topic when the tool creates the topic' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l compression -d 'Producer compression' -r -f -a "none\t''
gzip\t''
snappy\t''
lz4\t''"
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l linger-ms -d 'Producer linger.ms' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l batch-size -d 'Producer batch.size in bytes' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l group -d 'Consume through this consumer group (subscribe) instead of assigning partitions directly' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l transaction-records -d 'Produce in transactions of this many records each (0: no transactions). Each producer gets its own transactional id and commits every N records' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -s X -l config -d 'Extra librdkafka settings, KEY=VALUE, for producers and consumers' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -l no-progress -d 'Never draw the progress line (it is drawn only on a terminal anyway)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from e2e" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from help" -f -a "produce" -d 'Produce only; rates and latency count broker acknowledgements'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from help" -f -a "consume" -d 'Consume only, from the beginning of the topic(s)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from help" -f -a "e2e" -d 'Produce and consume in one process: end-to-end latency from the payload timestamp'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand kafka; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and not __fish_seen_subcommand_from pub sub pubsub conn help" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and not __fish_seen_subcommand_from pub sub pubsub conn help" -f -a "pub" -d 'Publish only; with QoS 1/2 rates and latency count PUBACK/PUBCOMP'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and not __fish_seen_subcommand_from pub sub pubsub conn help" -f -a "sub" -d 'Subscribe only and count what arrives'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and not __fish_seen_subcommand_from pub sub pubsub conn help" -f -a "pubsub" -d 'Publish and subscribe in one process: end-to-end latency from the payload timestamp'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and not __fish_seen_subcommand_from pub sub pubsub conn help" -f -a "conn" -d 'Open N idle connections and hold them: connect rate, failures, broker RSS per connection'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and not __fish_seen_subcommand_from pub sub pubsub conn help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l target -d 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l size -d 'Payload size in bytes (the first 16 carry the send time and a run nonce)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l count -d 'Messages in total (sent, or received for consume/sub); stops the run when reached' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l duration -d 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l rate -d 'Total messages per second over all senders; 0 = as fast as possible' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l warmup -d 'Seconds at the start whose messages are not measured' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l topic -d 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l topics -d 'Number of topics; senders spread messages over them round-robin' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l drain -d 'Seconds to wait for outstanding acks and messages after sending stops' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l json -d 'Write the report as JSON to this file' -r -F
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l qos -d 'QoS of publishes and subscriptions' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l publishers -d 'Publisher connections' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l subscribers -d 'Subscriber connections; each subscribes to every topic (fan-out)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l inflight -d 'Unacknowledged QoS 1/2 publishes allowed per connection' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l mqtt-version -d 'MQTT protocol version: 3 (3.1.1) or 5' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l no-progress -d 'Never draw the progress line (it is drawn only on a terminal anyway)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -l retain -d 'Publish with the retain flag: every publish replaces its topic\'s retained message'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pub" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l target -d 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l size -d 'Payload size in bytes (the first 16 carry the send time and a run nonce)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l count -d 'Messages in total (sent, or received for consume/sub); stops the run when reached' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l duration -d 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l rate -d 'Total messages per second over all senders; 0 = as fast as possible' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l warmup -d 'Seconds at the start whose messages are not measured' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l topic -d 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l topics -d 'Number of topics; senders spread messages over them round-robin' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l drain -d 'Seconds to wait for outstanding acks and messages after sending stops' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l json -d 'Write the report as JSON to this file' -r -F
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l qos -d 'QoS of publishes and subscriptions' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l publishers -d 'Publisher connections' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l subscribers -d 'Subscriber connections; each subscribes to every topic (fan-out)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l inflight -d 'Unacknowledged QoS 1/2 publishes allowed per connection' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l mqtt-version -d 'MQTT protocol version: 3 (3.1.1) or 5' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l no-progress -d 'Never draw the progress line (it is drawn only on a terminal anyway)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -l retain -d 'Publish with the retain flag: every publish replaces its topic\'s retained message'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from sub" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l target -d 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l size -d 'Payload size in bytes (the first 16 carry the send time and a run nonce)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l count -d 'Messages in total (sent, or received for consume/sub); stops the run when reached' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l duration -d 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l rate -d 'Total messages per second over all senders; 0 = as fast as possible' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l warmup -d 'Seconds at the start whose messages are not measured' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l topic -d 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l topics -d 'Number of topics; senders spread messages over them round-robin' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l drain -d 'Seconds to wait for outstanding acks and messages after sending stops' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l json -d 'Write the report as JSON to this file' -r -F
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l qos -d 'QoS of publishes and subscriptions' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l publishers -d 'Publisher connections' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l subscribers -d 'Subscriber connections; each subscribes to every topic (fan-out)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l inflight -d 'Unacknowledged QoS 1/2 publishes allowed per connection' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l mqtt-version -d 'MQTT protocol version: 3 (3.1.1) or 5' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l no-progress -d 'Never draw the progress line (it is drawn only on a terminal anyway)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -l retain -d 'Publish with the retain flag: every publish replaces its topic\'s retained message'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from pubsub" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from conn" -l target -d 'Broker address' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from conn" -l connections -d 'Connections to open' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from conn" -l concurrency -d 'Connection attempts in flight at once' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from conn" -l duration -d 'Seconds to hold the connections open once they are up' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from conn" -l connect-timeout -d 'Seconds allowed for one connect (TCP and CONNACK)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from conn" -l pid -d 'Broker process id: its VmRSS is read before and after to report bytes per connection' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from conn" -l source-addrs -d 'Source addresses 127.0.0.1..=127.0.0.K to spread over (loopback targets only; default: one per 20,000 connections)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from conn" -l keepalive -d 'MQTT keep-alive sent in CONNECT, in seconds (0 = off; default: long enough to hold)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from conn" -l json -d 'Write the report as JSON to this file' -r -F
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from conn" -l no-progress -d 'Never draw the progress line'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from conn" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from help" -f -a "pub" -d 'Publish only; with QoS 1/2 rates and latency count PUBACK/PUBCOMP'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from help" -f -a "sub" -d 'Subscribe only and count what arrives'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from help" -f -a "pubsub" -d 'Publish and subscribe in one process: end-to-end latency from the payload timestamp'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from help" -f -a "conn" -d 'Open N idle connections and hold them: connect rate, failures, broker RSS per connection'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand mqtt; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and not __fish_seen_subcommand_from publish consume pubsub help" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and not __fish_seen_subcommand_from publish consume pubsub help" -f -a "publish" -d 'Publish only; with --confirm-window rates and latency count publisher confirms'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and not __fish_seen_subcommand_from publish consume pubsub help" -f -a "consume" -d 'Consume only and count what arrives (acknowledging it)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and not __fish_seen_subcommand_from publish consume pubsub help" -f -a "pubsub" -d 'Consume and publish in one process: end-to-end latency from the payload timestamp'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and not __fish_seen_subcommand_from publish consume pubsub help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l target -d 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l size -d 'Payload size in bytes (the first 16 carry the send time and a run nonce)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l count -d 'Messages in total (sent, or received for consume/sub); stops the run when reached' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l duration -d 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l rate -d 'Total messages per second over all senders; 0 = as fast as possible' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l warmup -d 'Seconds at the start whose messages are not measured' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l topic -d 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l topics -d 'Number of topics; senders spread messages over them round-robin' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l drain -d 'Seconds to wait for outstanding acks and messages after sending stops' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l json -d 'Write the report as JSON to this file' -r -F
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l publishers -d 'Publisher connections (one channel each)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l consumers -d 'Consumer connections; each consumes from every queue (competing consumers: every message reaches one of them)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l confirm-window -d 'Publisher confirms with at most N unconfirmed messages per publisher; 0 = no confirms' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l prefetch -d 'Unacknowledged deliveries per consumer (basic.qos prefetch-count; 0 = no limit)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l exchange -d 'Publish to this exchange (declared as a direct exchange, each queue bound with its own name as routing key); empty = the default exchange' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l user -d 'User name for SASL PLAIN' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l password -d 'Password for SASL PLAIN (not written into the JSON report)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l no-progress -d 'Never draw the progress line (it is drawn only on a terminal anyway)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -l persistent -d 'Publish persistent messages (delivery-mode 2)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from publish" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l target -d 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l size -d 'Payload size in bytes (the first 16 carry the send time and a run nonce)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l count -d 'Messages in total (sent, or received for consume/sub); stops the run when reached' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l duration -d 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l rate -d 'Total messages per second over all senders; 0 = as fast as possible' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l warmup -d 'Seconds at the start whose messages are not measured' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l topic -d 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l topics -d 'Number of topics; senders spread messages over them round-robin' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l drain -d 'Seconds to wait for outstanding acks and messages after sending stops' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l json -d 'Write the report as JSON to this file' -r -F
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l publishers -d 'Publisher connections (one channel each)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l consumers -d 'Consumer connections; each consumes from every queue (competing consumers: every message reaches one of them)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l confirm-window -d 'Publisher confirms with at most N unconfirmed messages per publisher; 0 = no confirms' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l prefetch -d 'Unacknowledged deliveries per consumer (basic.qos prefetch-count; 0 = no limit)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l exchange -d 'Publish to this exchange (declared as a direct exchange, each queue bound with its own name as routing key); empty = the default exchange' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l user -d 'User name for SASL PLAIN' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l password -d 'Password for SASL PLAIN (not written into the JSON report)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l no-progress -d 'Never draw the progress line (it is drawn only on a terminal anyway)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -l persistent -d 'Publish persistent messages (delivery-mode 2)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from consume" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l target -d 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l size -d 'Payload size in bytes (the first 16 carry the send time and a run nonce)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l count -d 'Messages in total (sent, or received for consume/sub); stops the run when reached' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l duration -d 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l rate -d 'Total messages per second over all senders; 0 = as fast as possible' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l warmup -d 'Seconds at the start whose messages are not measured' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l topic -d 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l topics -d 'Number of topics; senders spread messages over them round-robin' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l drain -d 'Seconds to wait for outstanding acks and messages after sending stops' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l json -d 'Write the report as JSON to this file' -r -F
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l publishers -d 'Publisher connections (one channel each)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l consumers -d 'Consumer connections; each consumes from every queue (competing consumers: every message reaches one of them)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l confirm-window -d 'Publisher confirms with at most N unconfirmed messages per publisher; 0 = no confirms' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l prefetch -d 'Unacknowledged deliveries per consumer (basic.qos prefetch-count; 0 = no limit)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l exchange -d 'Publish to this exchange (declared as a direct exchange, each queue bound with its own name as routing key); empty = the default exchange' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l user -d 'User name for SASL PLAIN' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l password -d 'Password for SASL PLAIN (not written into the JSON report)' -r
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l no-progress -d 'Never draw the progress line (it is drawn only on a terminal anyway)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -l persistent -d 'Publish persistent messages (delivery-mode 2)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from pubsub" -s h -l help -d 'Print help'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from help" -f -a "publish" -d 'Publish only; with --confirm-window rates and latency count publisher confirms'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from help" -f -a "consume" -d 'Consume only and count what arrives (acknowledging it)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from help" -f -a "pubsub" -d 'Consume and publish in one process: end-to-end latency from the payload timestamp'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand amqp; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and not __fish_seen_subcommand_from kafka mqtt amqp help" -f -a "kafka" -d 'Kafka producers and consumers (librdkafka)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and not __fish_seen_subcommand_from kafka mqtt amqp help" -f -a "mqtt" -d 'MQTT publishers and subscribers (3.1.1 or 5), and idle connections (3.1.1)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and not __fish_seen_subcommand_from kafka mqtt amqp help" -f -a "amqp" -d 'AMQP 0-9-1 publishers and consumers (queues, publisher confirms, prefetch)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and not __fish_seen_subcommand_from kafka mqtt amqp help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and __fish_seen_subcommand_from kafka" -f -a "produce" -d 'Produce only; rates and latency count broker acknowledgements'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and __fish_seen_subcommand_from kafka" -f -a "consume" -d 'Consume only, from the beginning of the topic(s)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and __fish_seen_subcommand_from kafka" -f -a "e2e" -d 'Produce and consume in one process: end-to-end latency from the payload timestamp'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and __fish_seen_subcommand_from mqtt" -f -a "pub" -d 'Publish only; with QoS 1/2 rates and latency count PUBACK/PUBCOMP'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and __fish_seen_subcommand_from mqtt" -f -a "sub" -d 'Subscribe only and count what arrives'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and __fish_seen_subcommand_from mqtt" -f -a "pubsub" -d 'Publish and subscribe in one process: end-to-end latency from the payload timestamp'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and __fish_seen_subcommand_from mqtt" -f -a "conn" -d 'Open N idle connections and hold them: connect rate, failures, broker RSS per connection'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and __fish_seen_subcommand_from amqp" -f -a "publish" -d 'Publish only; with --confirm-window rates and latency count publisher confirms'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and __fish_seen_subcommand_from amqp" -f -a "consume" -d 'Consume only and count what arrives (acknowledging it)'
complete -c robustmq-bench -n "__fish_robustmq_bench_using_subcommand help; and __fish_seen_subcommand_from amqp" -f -a "pubsub" -d 'Consume and publish in one process: end-to-end latency from the payload timestamp'
