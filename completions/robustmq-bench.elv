
use builtin;
use str;

set edit:completion:arg-completer[robustmq-bench] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'robustmq-bench'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'robustmq-bench'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand kafka 'Kafka producers and consumers (librdkafka)'
            cand mqtt 'MQTT publishers and subscribers (3.1.1 or 5), and idle connections (3.1.1)'
            cand amqp 'AMQP 0-9-1 publishers and consumers (queues, publisher confirms, prefetch)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq-bench;kafka'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand produce 'Produce only; rates and latency count broker acknowledgements'
            cand consume 'Consume only, from the beginning of the topic(s)'
            cand e2e 'Produce and consume in one process: end-to-end latency from the payload timestamp'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq-bench;kafka;produce'= {
            cand --target 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)'
            cand --size 'Payload size in bytes (the first 16 carry the send time and a run nonce)'
            cand --count 'Messages in total (sent, or received for consume/sub); stops the run when reached'
            cand --duration 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)'
            cand --rate 'Total messages per second over all senders; 0 = as fast as possible'
            cand --warmup 'Seconds at the start whose messages are not measured'
            cand --topic 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)'
            cand --topics 'Number of topics; senders spread messages over them round-robin'
            cand --drain 'Seconds to wait for outstanding acks and messages after sending stops'
            cand --json 'Write the report as JSON to this file'
            cand --acks 'Producer acks: all (-1), 1 or 0'
            cand --producers 'Producer instances (each one librdkafka client with its own connection)'
            cand --consumers 'Consumer instances; partitions are spread over them'
            cand --partitions 'Partitions per topic when the tool creates the topic'
            cand --compression 'Producer compression'
            cand --linger-ms 'Producer linger.ms'
            cand --batch-size 'Producer batch.size in bytes'
            cand --group 'Consume through this consumer group (subscribe) instead of assigning partitions directly'
            cand --transaction-records 'Produce in transactions of this many records each (0: no transactions). Each producer gets its own transactional id and commits every N records'
            cand -X 'Extra librdkafka settings, KEY=VALUE, for producers and consumers'
            cand --config 'Extra librdkafka settings, KEY=VALUE, for producers and consumers'
            cand --no-progress 'Never draw the progress line (it is drawn only on a terminal anyway)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'robustmq-bench;kafka;consume'= {
            cand --target 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)'
            cand --size 'Payload size in bytes (the first 16 carry the send time and a run nonce)'
            cand --count 'Messages in total (sent, or received for consume/sub); stops the run when reached'
            cand --duration 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)'
            cand --rate 'Total messages per second over all senders; 0 = as fast as possible'
            cand --warmup 'Seconds at the start whose messages are not measured'
            cand --topic 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)'
            cand --topics 'Number of topics; senders spread messages over them round-robin'
            cand --drain 'Seconds to wait for outstanding acks and messages after sending stops'
            cand --json 'Write the report as JSON to this file'
            cand --acks 'Producer acks: all (-1), 1 or 0'
            cand --producers 'Producer instances (each one librdkafka client with its own connection)'
            cand --consumers 'Consumer instances; partitions are spread over them'
            cand --partitions 'Partitions per topic when the tool creates the topic'
            cand --compression 'Producer compression'
            cand --linger-ms 'Producer linger.ms'
            cand --batch-size 'Producer batch.size in bytes'
            cand --group 'Consume through this consumer group (subscribe) instead of assigning partitions directly'
            cand --transaction-records 'Produce in transactions of this many records each (0: no transactions). Each producer gets its own transactional id and commits every N records'
            cand -X 'Extra librdkafka settings, KEY=VALUE, for producers and consumers'
            cand --config 'Extra librdkafka settings, KEY=VALUE, for producers and consumers'
            cand --no-progress 'Never draw the progress line (it is drawn only on a terminal anyway)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'robustmq-bench;kafka;e2e'= {
            cand --target 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)'
            cand --size 'Payload size in bytes (the first 16 carry the send time and a run nonce)'
            cand --count 'Messages in total (sent, or received for consume/sub); stops the run when reached'
            cand --duration 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)'
            cand --rate 'Total messages per second over all senders; 0 = as fast as possible'
            cand --warmup 'Seconds at the start whose messages are not measured'
            cand --topic 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)'
            cand --topics 'Number of topics; senders spread messages over them round-robin'
            cand --drain 'Seconds to wait for outstanding acks and messages after sending stops'
            cand --json 'Write the report as JSON to this file'
            cand --acks 'Producer acks: all (-1), 1 or 0'
            cand --producers 'Producer instances (each one librdkafka client with its own connection)'
            cand --consumers 'Consumer instances; partitions are spread over them'
            cand --partitions 'Partitions per topic when the tool creates the topic'
            cand --compression 'Producer compression'
            cand --linger-ms 'Producer linger.ms'
            cand --batch-size 'Producer batch.size in bytes'
            cand --group 'Consume through this consumer group (subscribe) instead of assigning partitions directly'
            cand --transaction-records 'Produce in transactions of this many records each (0: no transactions). Each producer gets its own transactional id and commits every N records'
            cand -X 'Extra librdkafka settings, KEY=VALUE, for producers and consumers'
            cand --config 'Extra librdkafka settings, KEY=VALUE, for producers and consumers'
            cand --no-progress 'Never draw the progress line (it is drawn only on a terminal anyway)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'robustmq-bench;kafka;help'= {
            cand produce 'Produce only; rates and latency count broker acknowledgements'
            cand consume 'Consume only, from the beginning of the topic(s)'
            cand e2e 'Produce and consume in one process: end-to-end latency from the payload timestamp'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq-bench;kafka;help;produce'= {
        }
        &'robustmq-bench;kafka;help;consume'= {
        }
        &'robustmq-bench;kafka;help;e2e'= {
        }
        &'robustmq-bench;kafka;help;help'= {
        }
        &'robustmq-bench;mqtt'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand pub 'Publish only; with QoS 1/2 rates and latency count PUBACK/PUBCOMP'
            cand sub 'Subscribe only and count what arrives'
            cand pubsub 'Publish and subscribe in one process: end-to-end latency from the payload timestamp'
            cand conn 'Open N idle connections and hold them: connect rate, failures, broker RSS per connection'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq-bench;mqtt;pub'= {
            cand --target 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)'
            cand --size 'Payload size in bytes (the first 16 carry the send time and a run nonce)'
            cand --count 'Messages in total (sent, or received for consume/sub); stops the run when reached'
            cand --duration 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)'
            cand --rate 'Total messages per second over all senders; 0 = as fast as possible'
            cand --warmup 'Seconds at the start whose messages are not measured'
            cand --topic 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)'
            cand --topics 'Number of topics; senders spread messages over them round-robin'
            cand --drain 'Seconds to wait for outstanding acks and messages after sending stops'
            cand --json 'Write the report as JSON to this file'
            cand --qos 'QoS of publishes and subscriptions'
            cand --publishers 'Publisher connections'
            cand --subscribers 'Subscriber connections; each subscribes to every topic (fan-out)'
            cand --inflight 'Unacknowledged QoS 1/2 publishes allowed per connection'
            cand --mqtt-version 'MQTT protocol version: 3 (3.1.1) or 5'
            cand --no-progress 'Never draw the progress line (it is drawn only on a terminal anyway)'
            cand --retain 'Publish with the retain flag: every publish replaces its topic''s retained message'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'robustmq-bench;mqtt;sub'= {
            cand --target 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)'
            cand --size 'Payload size in bytes (the first 16 carry the send time and a run nonce)'
            cand --count 'Messages in total (sent, or received for consume/sub); stops the run when reached'
            cand --duration 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)'
            cand --rate 'Total messages per second over all senders; 0 = as fast as possible'
            cand --warmup 'Seconds at the start whose messages are not measured'
            cand --topic 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)'
            cand --topics 'Number of topics; senders spread messages over them round-robin'
            cand --drain 'Seconds to wait for outstanding acks and messages after sending stops'
            cand --json 'Write the report as JSON to this file'
            cand --qos 'QoS of publishes and subscriptions'
            cand --publishers 'Publisher connections'
            cand --subscribers 'Subscriber connections; each subscribes to every topic (fan-out)'
            cand --inflight 'Unacknowledged QoS 1/2 publishes allowed per connection'
            cand --mqtt-version 'MQTT protocol version: 3 (3.1.1) or 5'
            cand --no-progress 'Never draw the progress line (it is drawn only on a terminal anyway)'
            cand --retain 'Publish with the retain flag: every publish replaces its topic''s retained message'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'robustmq-bench;mqtt;pubsub'= {
            cand --target 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)'
            cand --size 'Payload size in bytes (the first 16 carry the send time and a run nonce)'
            cand --count 'Messages in total (sent, or received for consume/sub); stops the run when reached'
            cand --duration 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)'
            cand --rate 'Total messages per second over all senders; 0 = as fast as possible'
            cand --warmup 'Seconds at the start whose messages are not measured'
            cand --topic 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)'
            cand --topics 'Number of topics; senders spread messages over them round-robin'
            cand --drain 'Seconds to wait for outstanding acks and messages after sending stops'
            cand --json 'Write the report as JSON to this file'
            cand --qos 'QoS of publishes and subscriptions'
            cand --publishers 'Publisher connections'
            cand --subscribers 'Subscriber connections; each subscribes to every topic (fan-out)'
            cand --inflight 'Unacknowledged QoS 1/2 publishes allowed per connection'
            cand --mqtt-version 'MQTT protocol version: 3 (3.1.1) or 5'
            cand --no-progress 'Never draw the progress line (it is drawn only on a terminal anyway)'
            cand --retain 'Publish with the retain flag: every publish replaces its topic''s retained message'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'robustmq-bench;mqtt;conn'= {
            cand --target 'Broker address'
            cand --connections 'Connections to open'
            cand --concurrency 'Connection attempts in flight at once'
            cand --duration 'Seconds to hold the connections open once they are up'
            cand --connect-timeout 'Seconds allowed for one connect (TCP and CONNACK)'
            cand --pid 'Broker process id: its VmRSS is read before and after to report bytes per connection'
            cand --source-addrs 'Source addresses 127.0.0.1..=127.0.0.K to spread over (loopback targets only; default: one per 20,000 connections)'
            cand --keepalive 'MQTT keep-alive sent in CONNECT, in seconds (0 = off; default: long enough to hold)'
            cand --json 'Write the report as JSON to this file'
            cand --no-progress 'Never draw the progress line'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'robustmq-bench;mqtt;help'= {
            cand pub 'Publish only; with QoS 1/2 rates and latency count PUBACK/PUBCOMP'
            cand sub 'Subscribe only and count what arrives'
            cand pubsub 'Publish and subscribe in one process: end-to-end latency from the payload timestamp'
            cand conn 'Open N idle connections and hold them: connect rate, failures, broker RSS per connection'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq-bench;mqtt;help;pub'= {
        }
        &'robustmq-bench;mqtt;help;sub'= {
        }
        &'robustmq-bench;mqtt;help;pubsub'= {
        }
        &'robustmq-bench;mqtt;help;conn'= {
        }
        &'robustmq-bench;mqtt;help;help'= {
        }
        &'robustmq-bench;amqp'= {
            cand -h 'Print help'
            cand --help 'Print help'
            cand publish 'Publish only; with --confirm-window rates and latency count publisher confirms'
            cand consume 'Consume only and count what arrives (acknowledging it)'
            cand pubsub 'Consume and publish in one process: end-to-end latency from the payload timestamp'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq-bench;amqp;publish'= {
            cand --target 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)'
            cand --size 'Payload size in bytes (the first 16 carry the send time and a run nonce)'
            cand --count 'Messages in total (sent, or received for consume/sub); stops the run when reached'
            cand --duration 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)'
            cand --rate 'Total messages per second over all senders; 0 = as fast as possible'
            cand --warmup 'Seconds at the start whose messages are not measured'
            cand --topic 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)'
            cand --topics 'Number of topics; senders spread messages over them round-robin'
            cand --drain 'Seconds to wait for outstanding acks and messages after sending stops'
            cand --json 'Write the report as JSON to this file'
            cand --publishers 'Publisher connections (one channel each)'
            cand --consumers 'Consumer connections; each consumes from every queue (competing consumers: every message reaches one of them)'
            cand --confirm-window 'Publisher confirms with at most N unconfirmed messages per publisher; 0 = no confirms'
            cand --prefetch 'Unacknowledged deliveries per consumer (basic.qos prefetch-count; 0 = no limit)'
            cand --exchange 'Publish to this exchange (declared as a direct exchange, each queue bound with its own name as routing key); empty = the default exchange'
            cand --user 'User name for SASL PLAIN'
            cand --password 'Password for SASL PLAIN (not written into the JSON report)'
            cand --no-progress 'Never draw the progress line (it is drawn only on a terminal anyway)'
            cand --persistent 'Publish persistent messages (delivery-mode 2)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'robustmq-bench;amqp;consume'= {
            cand --target 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)'
            cand --size 'Payload size in bytes (the first 16 carry the send time and a run nonce)'
            cand --count 'Messages in total (sent, or received for consume/sub); stops the run when reached'
            cand --duration 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)'
            cand --rate 'Total messages per second over all senders; 0 = as fast as possible'
            cand --warmup 'Seconds at the start whose messages are not measured'
            cand --topic 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)'
            cand --topics 'Number of topics; senders spread messages over them round-robin'
            cand --drain 'Seconds to wait for outstanding acks and messages after sending stops'
            cand --json 'Write the report as JSON to this file'
            cand --publishers 'Publisher connections (one channel each)'
            cand --consumers 'Consumer connections; each consumes from every queue (competing consumers: every message reaches one of them)'
            cand --confirm-window 'Publisher confirms with at most N unconfirmed messages per publisher; 0 = no confirms'
            cand --prefetch 'Unacknowledged deliveries per consumer (basic.qos prefetch-count; 0 = no limit)'
            cand --exchange 'Publish to this exchange (declared as a direct exchange, each queue bound with its own name as routing key); empty = the default exchange'
            cand --user 'User name for SASL PLAIN'
            cand --password 'Password for SASL PLAIN (not written into the JSON report)'
            cand --no-progress 'Never draw the progress line (it is drawn only on a terminal anyway)'
            cand --persistent 'Publish persistent messages (delivery-mode 2)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'robustmq-bench;amqp;pubsub'= {
            cand --target 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)'
            cand --size 'Payload size in bytes (the first 16 carry the send time and a run nonce)'
            cand --count 'Messages in total (sent, or received for consume/sub); stops the run when reached'
            cand --duration 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)'
            cand --rate 'Total messages per second over all senders; 0 = as fast as possible'
            cand --warmup 'Seconds at the start whose messages are not measured'
            cand --topic 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)'
            cand --topics 'Number of topics; senders spread messages over them round-robin'
            cand --drain 'Seconds to wait for outstanding acks and messages after sending stops'
            cand --json 'Write the report as JSON to this file'
            cand --publishers 'Publisher connections (one channel each)'
            cand --consumers 'Consumer connections; each consumes from every queue (competing consumers: every message reaches one of them)'
            cand --confirm-window 'Publisher confirms with at most N unconfirmed messages per publisher; 0 = no confirms'
            cand --prefetch 'Unacknowledged deliveries per consumer (basic.qos prefetch-count; 0 = no limit)'
            cand --exchange 'Publish to this exchange (declared as a direct exchange, each queue bound with its own name as routing key); empty = the default exchange'
            cand --user 'User name for SASL PLAIN'
            cand --password 'Password for SASL PLAIN (not written into the JSON report)'
            cand --no-progress 'Never draw the progress line (it is drawn only on a terminal anyway)'
            cand --persistent 'Publish persistent messages (delivery-mode 2)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'robustmq-bench;amqp;help'= {
            cand publish 'Publish only; with --confirm-window rates and latency count publisher confirms'
            cand consume 'Consume only and count what arrives (acknowledging it)'
            cand pubsub 'Consume and publish in one process: end-to-end latency from the payload timestamp'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq-bench;amqp;help;publish'= {
        }
        &'robustmq-bench;amqp;help;consume'= {
        }
        &'robustmq-bench;amqp;help;pubsub'= {
        }
        &'robustmq-bench;amqp;help;help'= {
        }
        &'robustmq-bench;help'= {
            cand kafka 'Kafka producers and consumers (librdkafka)'
            cand mqtt 'MQTT publishers and subscribers (3.1.1 or 5), and idle connections (3.1.1)'
            cand amqp 'AMQP 0-9-1 publishers and consumers (queues, publisher confirms, prefetch)'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'robustmq-bench;help;kafka'= {
            cand produce 'Produce only; rates and latency count broker acknowledgements'
            cand consume 'Consume only, from the beginning of the topic(s)'
            cand e2e 'Produce and consume in one process: end-to-end latency from the payload timestamp'
        }
        &'robustmq-bench;help;kafka;produce'= {
        }
        &'robustmq-bench;help;kafka;consume'= {
        }
        &'robustmq-bench;help;kafka;e2e'= {
        }
        &'robustmq-bench;help;mqtt'= {
            cand pub 'Publish only; with QoS 1/2 rates and latency count PUBACK/PUBCOMP'
            cand sub 'Subscribe only and count what arrives'
            cand pubsub 'Publish and subscribe in one process: end-to-end latency from the payload timestamp'
            cand conn 'Open N idle connections and hold them: connect rate, failures, broker RSS per connection'
        }
        &'robustmq-bench;help;mqtt;pub'= {
        }
        &'robustmq-bench;help;mqtt;sub'= {
        }
        &'robustmq-bench;help;mqtt;pubsub'= {
        }
        &'robustmq-bench;help;mqtt;conn'= {
        }
        &'robustmq-bench;help;amqp'= {
            cand publish 'Publish only; with --confirm-window rates and latency count publisher confirms'
            cand consume 'Consume only and count what arrives (acknowledging it)'
            cand pubsub 'Consume and publish in one process: end-to-end latency from the payload timestamp'
        }
        &'robustmq-bench;help;amqp;publish'= {
        }
        &'robustmq-bench;help;amqp;consume'= {
        }
        &'robustmq-bench;help;amqp;pubsub'= {
        }
        &'robustmq-bench;help;help'= {
        }
    ]
    $completions[$command]
}
