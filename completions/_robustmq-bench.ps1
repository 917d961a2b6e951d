
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'robustmq-bench' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'robustmq-bench'
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
        'robustmq-bench' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('kafka', 'kafka', [CompletionResultType]::ParameterValue, 'Kafka producers and consumers (librdkafka)')
            [CompletionResult]::new('mqtt', 'mqtt', [CompletionResultType]::ParameterValue, 'MQTT publishers and subscribers (3.1.1 or 5), and idle connections (3.1.1)')
            [CompletionResult]::new('amqp', 'amqp', [CompletionResultType]::ParameterValue, 'AMQP 0-9-1 publishers and consumers (queues, publisher confirms, prefetch)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq-bench;kafka' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('produce', 'produce', [CompletionResultType]::ParameterValue, 'Produce only; rates and latency count broker acknowledgements')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Consume only, from the beginning of the topic(s)')
            [CompletionResult]::new('e2e', 'e2e', [CompletionResultType]::ParameterValue, 'Produce and consume in one process: end-to-end latency from the payload timestamp')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq-bench;kafka;produce' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Payload size in bytes (the first 16 carry the send time and a run nonce)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Messages in total (sent, or received for consume/sub); stops the run when reached')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Total messages per second over all senders; 0 = as fast as possible')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Seconds at the start whose messages are not measured')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)')
            [CompletionResult]::new('--topics', '--topics', [CompletionResultType]::ParameterName, 'Number of topics; senders spread messages over them round-robin')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Seconds to wait for outstanding acks and messages after sending stops')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as JSON to this file')
            [CompletionResult]::new('--acks', '--acks', [CompletionResultType]::ParameterName, 'Producer acks: all (-1), 1 or 0')
            [CompletionResult]::new('--producers', '--producers', [CompletionResultType]::ParameterName, 'Producer instances (each one librdkafka client with its own connection)')
            [CompletionResult]::new('--consumers', '--consumers', [CompletionResultType]::ParameterName, 'Consumer instances; partitions are spread over them')
            [CompletionResult]::new('--partitions', '--partitions', [CompletionResultType]::ParameterName, 'Partitions per topic when the tool creates the topic')
            [CompletionResult]::new('--compression', '--compression', [CompletionResultType]::ParameterName, 'Producer compression')
            [CompletionResult]::new('--linger-ms', '--linger-ms', [CompletionResultType]::ParameterName, 'Producer linger.ms')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Producer batch.size in bytes')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Consume through this consumer group (subscribe) instead of assigning partitions directly')
            [CompletionResult]::new('--transaction-records', '--transaction-records', [CompletionResultType]::ParameterName, 'Produce in transactions of this many records each (0: no transactions). Each producer gets its own transactional id and commits every N records')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Extra librdkafka settings, KEY=VALUE, for producers and consumers')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Extra librdkafka settings, KEY=VALUE, for producers and consumers')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw the progress line (it is drawn only on a terminal anyway)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'robustmq-bench;kafka;consume' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Payload size in bytes (the first 16 carry the send time and a run nonce)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Messages in total (sent, or received for consume/sub); stops the run when reached')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Total messages per second over all senders; 0 = as fast as possible')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Seconds at the start whose messages are not measured')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)')
            [CompletionResult]::new('--topics', '--topics', [CompletionResultType]::ParameterName, 'Number of topics; senders spread messages over them round-robin')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Seconds to wait for outstanding acks and messages after sending stops')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as JSON to this file')
            [CompletionResult]::new('--acks', '--acks', [CompletionResultType]::ParameterName, 'Producer acks: all (-1), 1 or 0')
            [CompletionResult]::new('--producers', '--producers', [CompletionResultType]::ParameterName, 'Producer instances (each one librdkafka client with its own connection)')
            [CompletionResult]::new('--consumers', '--consumers', [CompletionResultType]::ParameterName, 'Consumer instances; partitions are spread over them')
            [CompletionResult]::new('--partitions', '--partitions', [CompletionResultType]::ParameterName, 'Partitions per topic when the tool creates the topic')
            [CompletionResult]::new('--compression', '--compression', [CompletionResultType]::ParameterName, 'Producer compression')
            [CompletionResult]::new('--linger-ms', '--linger-ms', [CompletionResultType]::ParameterName, 'Producer linger.ms')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Producer batch.size in bytes')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Consume through this consumer group (subscribe) instead of assigning partitions directly')
            [CompletionResult]::new('--transaction-records', '--transaction-records', [CompletionResultType]::ParameterName, 'Produce in transactions of this many records each (0: no transactions). Each producer gets its own transactional id and commits every N records')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Extra librdkafka settings, KEY=VALUE, for producers and consumers')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Extra librdkafka settings, KEY=VALUE, for producers and consumers')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw the progress line (it is drawn only on a terminal anyway)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'robustmq-bench;kafka;e2e' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Payload size in bytes (the first 16 carry the send time and a run nonce)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Messages in total (sent, or received for consume/sub); stops the run when reached')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Total messages per second over all senders; 0 = as fast as possible')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Seconds at the start whose messages are not measured')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)')
            [CompletionResult]::new('--topics', '--topics', [CompletionResultType]::ParameterName, 'Number of topics; senders spread messages over them round-robin')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Seconds to wait for outstanding acks and messages after sending stops')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as JSON to this file')
            [CompletionResult]::new('--acks', '--acks', [CompletionResultType]::ParameterName, 'Producer acks: all (-1), 1 or 0')
            [CompletionResult]::new('--producers', '--producers', [CompletionResultType]::ParameterName, 'Producer instances (each one librdkafka client with its own connection)')
            [CompletionResult]::new('--consumers', '--consumers', [CompletionResultType]::ParameterName, 'Consumer instances; partitions are spread over them')
            [CompletionResult]::new('--partitions', '--partitions', [CompletionResultType]::ParameterName, 'Partitions per topic when the tool creates the topic')
            [CompletionResult]::new('--compression', '--compression', [CompletionResultType]::ParameterName, 'Producer compression')
            [CompletionResult]::new('--linger-ms', '--linger-ms', [CompletionResultType]::ParameterName, 'Producer linger.ms')
            [CompletionResult]::new('--batch-size', '--batch-size', [CompletionResultType]::ParameterName, 'Producer batch.size in bytes')
            [CompletionResult]::new('--group', '--group', [CompletionResultType]::ParameterName, 'Consume through this consumer group (subscribe) instead of assigning partitions directly')
            [CompletionResult]::new('--transaction-records', '--transaction-records', [CompletionResultType]::ParameterName, 'Produce in transactions of this many records each (0: no transactions). Each producer gets its own transactional id and commits every N records')
            [CompletionResult]::new('-X', '-X ', [CompletionResultType]::ParameterName, 'Extra librdkafka settings, KEY=VALUE, for producers and consumers')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'Extra librdkafka settings, KEY=VALUE, for producers and consumers')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw the progress line (it is drawn only on a terminal anyway)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'robustmq-bench;kafka;help' {
            [CompletionResult]::new('produce', 'produce', [CompletionResultType]::ParameterValue, 'Produce only; rates and latency count broker acknowledgements')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Consume only, from the beginning of the topic(s)')
            [CompletionResult]::new('e2e', 'e2e', [CompletionResultType]::ParameterValue, 'Produce and consume in one process: end-to-end latency from the payload timestamp')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq-bench;kafka;help;produce' {
            break
        }
        'robustmq-bench;kafka;help;consume' {
            break
        }
        'robustmq-bench;kafka;help;e2e' {
            break
        }
        'robustmq-bench;kafka;help;help' {
            break
        }
        'robustmq-bench;mqtt' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish only; with QoS 1/2 rates and latency count PUBACK/PUBCOMP')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribe only and count what arrives')
            [CompletionResult]::new('pubsub', 'pubsub', [CompletionResultType]::ParameterValue, 'Publish and subscribe in one process: end-to-end latency from the payload timestamp')
            [CompletionResult]::new('conn', 'conn', [CompletionResultType]::ParameterValue, 'Open N idle connections and hold them: connect rate, failures, broker RSS per connection')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq-bench;mqtt;pub' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Payload size in bytes (the first 16 carry the send time and a run nonce)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Messages in total (sent, or received for consume/sub); stops the run when reached')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Total messages per second over all senders; 0 = as fast as possible')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Seconds at the start whose messages are not measured')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)')
            [CompletionResult]::new('--topics', '--topics', [CompletionResultType]::ParameterName, 'Number of topics; senders spread messages over them round-robin')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Seconds to wait for outstanding acks and messages after sending stops')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as JSON to this file')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'QoS of publishes and subscriptions')
            [CompletionResult]::new('--publishers', '--publishers', [CompletionResultType]::ParameterName, 'Publisher connections')
            [CompletionResult]::new('--subscribers', '--subscribers', [CompletionResultType]::ParameterName, 'Subscriber connections; each subscribes to every topic (fan-out)')
            [CompletionResult]::new('--inflight', '--inflight', [CompletionResultType]::ParameterName, 'Unacknowledged QoS 1/2 publishes allowed per connection')
            [CompletionResult]::new('--mqtt-version', '--mqtt-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 3 (3.1.1) or 5')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw the progress line (it is drawn only on a terminal anyway)')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'Publish with the retain flag: every publish replaces its topic''s retained message')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'robustmq-bench;mqtt;sub' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Payload size in bytes (the first 16 carry the send time and a run nonce)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Messages in total (sent, or received for consume/sub); stops the run when reached')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Total messages per second over all senders; 0 = as fast as possible')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Seconds at the start whose messages are not measured')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)')
            [CompletionResult]::new('--topics', '--topics', [CompletionResultType]::ParameterName, 'Number of topics; senders spread messages over them round-robin')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Seconds to wait for outstanding acks and messages after sending stops')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as JSON to this file')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'QoS of publishes and subscriptions')
            [CompletionResult]::new('--publishers', '--publishers', [CompletionResultType]::ParameterName, 'Publisher connections')
            [CompletionResult]::new('--subscribers', '--subscribers', [CompletionResultType]::ParameterName, 'Subscriber connections; each subscribes to every topic (fan-out)')
            [CompletionResult]::new('--inflight', '--inflight', [CompletionResultType]::ParameterName, 'Unacknowledged QoS 1/2 publishes allowed per connection')
            [CompletionResult]::new('--mqtt-version', '--mqtt-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 3 (3.1.1) or 5')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw the progress line (it is drawn only on a terminal anyway)')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'Publish with the retain flag: every publish replaces its topic''s retained message')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'robustmq-bench;mqtt;pubsub' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Payload size in bytes (the first 16 carry the send time and a run nonce)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Messages in total (sent, or received for consume/sub); stops the run when reached')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Total messages per second over all senders; 0 = as fast as possible')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Seconds at the start whose messages are not measured')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)')
            [CompletionResult]::new('--topics', '--topics', [CompletionResultType]::ParameterName, 'Number of topics; senders spread messages over them round-robin')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Seconds to wait for outstanding acks and messages after sending stops')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as JSON to this file')
            [CompletionResult]::new('--qos', '--qos', [CompletionResultType]::ParameterName, 'QoS of publishes and subscriptions')
            [CompletionResult]::new('--publishers', '--publishers', [CompletionResultType]::ParameterName, 'Publisher connections')
            [CompletionResult]::new('--subscribers', '--subscribers', [CompletionResultType]::ParameterName, 'Subscriber connections; each subscribes to every topic (fan-out)')
            [CompletionResult]::new('--inflight', '--inflight', [CompletionResultType]::ParameterName, 'Unacknowledged QoS 1/2 publishes allowed per connection')
            [CompletionResult]::new('--mqtt-version', '--mqtt-version', [CompletionResultType]::ParameterName, 'MQTT protocol version: 3 (3.1.1) or 5')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw the progress line (it is drawn only on a terminal anyway)')
            [CompletionResult]::new('--retain', '--retain', [CompletionResultType]::ParameterName, 'Publish with the retain flag: every publish replaces its topic''s retained message')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'robustmq-bench;mqtt;conn' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Broker address')
            [CompletionResult]::new('--connections', '--connections', [CompletionResultType]::ParameterName, 'Connections to open')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Connection attempts in flight at once')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Seconds to hold the connections open once they are up')
            [CompletionResult]::new('--connect-timeout', '--connect-timeout', [CompletionResultType]::ParameterName, 'Seconds allowed for one connect (TCP and CONNACK)')
            [CompletionResult]::new('--pid', '--pid', [CompletionResultType]::ParameterName, 'Broker process id: its VmRSS is read before and after to report bytes per connection')
            [CompletionResult]::new('--source-addrs', '--source-addrs', [CompletionResultType]::ParameterName, 'Source addresses 127.0.0.1..=127.0.0.K to spread over (loopback targets only; default: one per 20,000 connections)')
            [CompletionResult]::new('--keepalive', '--keepalive', [CompletionResultType]::ParameterName, 'MQTT keep-alive sent in CONNECT, in seconds (0 = off; default: long enough to hold)')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as JSON to this file')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw the progress line')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'robustmq-bench;mqtt;help' {
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish only; with QoS 1/2 rates and latency count PUBACK/PUBCOMP')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribe only and count what arrives')
            [CompletionResult]::new('pubsub', 'pubsub', [CompletionResultType]::ParameterValue, 'Publish and subscribe in one process: end-to-end latency from the payload timestamp')
            [CompletionResult]::new('conn', 'conn', [CompletionResultType]::ParameterValue, 'Open N idle connections and hold them: connect rate, failures, broker RSS per connection')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq-bench;mqtt;help;pub' {
            break
        }
        'robustmq-bench;mqtt;help;sub' {
            break
        }
        'robustmq-bench;mqtt;help;pubsub' {
            break
        }
        'robustmq-bench;mqtt;help;conn' {
            break
        }
        'robustmq-bench;mqtt;help;help' {
            break
        }
        'robustmq-bench;amqp' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Publish only; with --confirm-window rates and latency count publisher confirms')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Consume only and count what arrives (acknowledging it)')
            [CompletionResult]::new('pubsub', 'pubsub', [CompletionResultType]::ParameterValue, 'Consume and publish in one process: end-to-end latency from the payload timestamp')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq-bench;amqp;publish' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Payload size in bytes (the first 16 carry the send time and a run nonce)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Messages in total (sent, or received for consume/sub); stops the run when reached')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Total messages per second over all senders; 0 = as fast as possible')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Seconds at the start whose messages are not measured')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)')
            [CompletionResult]::new('--topics', '--topics', [CompletionResultType]::ParameterName, 'Number of topics; senders spread messages over them round-robin')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Seconds to wait for outstanding acks and messages after sending stops')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as JSON to this file')
            [CompletionResult]::new('--publishers', '--publishers', [CompletionResultType]::ParameterName, 'Publisher connections (one channel each)')
            [CompletionResult]::new('--consumers', '--consumers', [CompletionResultType]::ParameterName, 'Consumer connections; each consumes from every queue (competing consumers: every message reaches one of them)')
            [CompletionResult]::new('--confirm-window', '--confirm-window', [CompletionResultType]::ParameterName, 'Publisher confirms with at most N unconfirmed messages per publisher; 0 = no confirms')
            [CompletionResult]::new('--prefetch', '--prefetch', [CompletionResultType]::ParameterName, 'Unacknowledged deliveries per consumer (basic.qos prefetch-count; 0 = no limit)')
            [CompletionResult]::new('--exchange', '--exchange', [CompletionResultType]::ParameterName, 'Publish to this exchange (declared as a direct exchange, each queue bound with its own name as routing key); empty = the default exchange')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name for SASL PLAIN')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password for SASL PLAIN (not written into the JSON report)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw the progress line (it is drawn only on a terminal anyway)')
            [CompletionResult]::new('--persistent', '--persistent', [CompletionResultType]::ParameterName, 'Publish persistent messages (delivery-mode 2)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'robustmq-bench;amqp;consume' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Payload size in bytes (the first 16 carry the send time and a run nonce)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Messages in total (sent, or received for consume/sub); stops the run when reached')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Total messages per second over all senders; 0 = as fast as possible')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Seconds at the start whose messages are not measured')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)')
            [CompletionResult]::new('--topics', '--topics', [CompletionResultType]::ParameterName, 'Number of topics; senders spread messages over them round-robin')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Seconds to wait for outstanding acks and messages after sending stops')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as JSON to this file')
            [CompletionResult]::new('--publishers', '--publishers', [CompletionResultType]::ParameterName, 'Publisher connections (one channel each)')
            [CompletionResult]::new('--consumers', '--consumers', [CompletionResultType]::ParameterName, 'Consumer connections; each consumes from every queue (competing consumers: every message reaches one of them)')
            [CompletionResult]::new('--confirm-window', '--confirm-window', [CompletionResultType]::ParameterName, 'Publisher confirms with at most N unconfirmed messages per publisher; 0 = no confirms')
            [CompletionResult]::new('--prefetch', '--prefetch', [CompletionResultType]::ParameterName, 'Unacknowledged deliveries per consumer (basic.qos prefetch-count; 0 = no limit)')
            [CompletionResult]::new('--exchange', '--exchange', [CompletionResultType]::ParameterName, 'Publish to this exchange (declared as a direct exchange, each queue bound with its own name as routing key); empty = the default exchange')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name for SASL PLAIN')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password for SASL PLAIN (not written into the JSON report)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw the progress line (it is drawn only on a terminal anyway)')
            [CompletionResult]::new('--persistent', '--persistent', [CompletionResultType]::ParameterName, 'Publish persistent messages (delivery-mode 2)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'robustmq-bench;amqp;pubsub' {
            [CompletionResult]::new('--target', '--target', [CompletionResultType]::ParameterName, 'Broker address (default 127.0.0.1:9092 for Kafka, 127.0.0.1:1883 for MQTT, 127.0.0.1:5672 for AMQP)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Payload size in bytes (the first 16 carry the send time and a run nonce)')
            [CompletionResult]::new('--count', '--count', [CompletionResultType]::ParameterName, 'Messages in total (sent, or received for consume/sub); stops the run when reached')
            [CompletionResult]::new('--duration', '--duration', [CompletionResultType]::ParameterName, 'Seconds to run after the warm-up (default 10; 300 as a safety cap when --count is given)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'Total messages per second over all senders; 0 = as fast as possible')
            [CompletionResult]::new('--warmup', '--warmup', [CompletionResultType]::ParameterName, 'Seconds at the start whose messages are not measured')
            [CompletionResult]::new('--topic', '--topic', [CompletionResultType]::ParameterName, 'Topic name (AMQP: queue name); with --topics N > 1 the topics are NAME-0 .. NAME-(N-1)')
            [CompletionResult]::new('--topics', '--topics', [CompletionResultType]::ParameterName, 'Number of topics; senders spread messages over them round-robin')
            [CompletionResult]::new('--drain', '--drain', [CompletionResultType]::ParameterName, 'Seconds to wait for outstanding acks and messages after sending stops')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Write the report as JSON to this file')
            [CompletionResult]::new('--publishers', '--publishers', [CompletionResultType]::ParameterName, 'Publisher connections (one channel each)')
            [CompletionResult]::new('--consumers', '--consumers', [CompletionResultType]::ParameterName, 'Consumer connections; each consumes from every queue (competing consumers: every message reaches one of them)')
            [CompletionResult]::new('--confirm-window', '--confirm-window', [CompletionResultType]::ParameterName, 'Publisher confirms with at most N unconfirmed messages per publisher; 0 = no confirms')
            [CompletionResult]::new('--prefetch', '--prefetch', [CompletionResultType]::ParameterName, 'Unacknowledged deliveries per consumer (basic.qos prefetch-count; 0 = no limit)')
            [CompletionResult]::new('--exchange', '--exchange', [CompletionResultType]::ParameterName, 'Publish to this exchange (declared as a direct exchange, each queue bound with its own name as routing key); empty = the default exchange')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'User name for SASL PLAIN')
            [CompletionResult]::new('--password', '--password', [CompletionResultType]::ParameterName, 'Password for SASL PLAIN (not written into the JSON report)')
            [CompletionResult]::new('--no-progress', '--no-progress', [CompletionResultType]::ParameterName, 'Never draw the progress line (it is drawn only on a terminal anyway)')
            [CompletionResult]::new('--persistent', '--persistent', [CompletionResultType]::ParameterName, 'Publish persistent messages (delivery-mode 2)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'robustmq-bench;amqp;help' {
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Publish only; with --confirm-window rates and latency count publisher confirms')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Consume only and count what arrives (acknowledging it)')
            [CompletionResult]::new('pubsub', 'pubsub', [CompletionResultType]::ParameterValue, 'Consume and publish in one process: end-to-end latency from the payload timestamp')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq-bench;amqp;help;publish' {
            break
        }
        'robustmq-bench;amqp;help;consume' {
            break
        }
        'robustmq-bench;amqp;help;pubsub' {
            break
        }
        'robustmq-bench;amqp;help;help' {
            break
        }
        'robustmq-bench;help' {
            [CompletionResult]::new('kafka', 'kafka', [CompletionResultType]::ParameterValue, 'Kafka producers and consumers (librdkafka)')
            [CompletionResult]::new('mqtt', 'mqtt', [CompletionResultType]::ParameterValue, 'MQTT publishers and subscribers (3.1.1 or 5), and idle connections (3.1.1)')
            [CompletionResult]::new('amqp', 'amqp', [CompletionResultType]::ParameterValue, 'AMQP 0-9-1 publishers and consumers (queues, publisher confirms, prefetch)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'robustmq-bench;help;kafka' {
            [CompletionResult]::new('produce', 'produce', [CompletionResultType]::ParameterValue, 'Produce only; rates and latency count broker acknowledgements')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Consume only, from the beginning of the topic(s)')
            [CompletionResult]::new('e2e', 'e2e', [CompletionResultType]::ParameterValue, 'Produce and consume in one process: end-to-end latency from the payload timestamp')
            break
        }
        'robustmq-bench;help;kafka;produce' {
            break
        }
        'robustmq-bench;help;kafka;consume' {
            break
        }
        'robustmq-bench;help;kafka;e2e' {
            break
        }
        'robustmq-bench;help;mqtt' {
            [CompletionResult]::new('pub', 'pub', [CompletionResultType]::ParameterValue, 'Publish only; with QoS 1/2 rates and latency count PUBACK/PUBCOMP')
            [CompletionResult]::new('sub', 'sub', [CompletionResultType]::ParameterValue, 'Subscribe only and count what arrives')
            [CompletionResult]::new('pubsub', 'pubsub', [CompletionResultType]::ParameterValue, 'Publish and subscribe in one process: end-to-end latency from the payload timestamp')
            [CompletionResult]::new('conn', 'conn', [CompletionResultType]::ParameterValue, 'Open N idle connections and hold them: connect rate, failures, broker RSS per connection')
            break
        }
        'robustmq-bench;help;mqtt;pub' {
            break
        }
        'robustmq-bench;help;mqtt;sub' {
            break
        }
        'robustmq-bench;help;mqtt;pubsub' {
            break
        }
        'robustmq-bench;help;mqtt;conn' {
            break
        }
        'robustmq-bench;help;amqp' {
            [CompletionResult]::new('publish', 'publish', [CompletionResultType]::ParameterValue, 'Publish only; with --confirm-window rates and latency count publisher confirms')
            [CompletionResult]::new('consume', 'consume', [CompletionResultType]::ParameterValue, 'Consume only and count what arrives (acknowledging it)')
            [CompletionResult]::new('pubsub', 'pubsub', [CompletionResultType]::ParameterValue, 'Consume and publish in one process: end-to-end latency from the payload timestamp')
            break
        }
        'robustmq-bench;help;amqp;publish' {
            break
        }
        'robustmq-bench;help;amqp;consume' {
            break
        }
        'robustmq-bench;help;amqp;pubsub' {
            break
        }
        'robustmq-bench;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
