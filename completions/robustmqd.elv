
use builtin;
use str;

set edit:completion:arg-completer[robustmqd] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'robustmqd'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'robustmqd'= {
            cand --roles 'Roles this process runs: any of meta, journal, broker (comma-separated)'
            cand --data-dir 'Directory for all data (journal segments, metadata)'
            cand --config 'TOML configuration file'
            cand --kafka-listen 'Kafka listener (security protocol PLAINTEXT), or `off`'
            cand --kafka-sasl-listen 'Kafka SASL_PLAINTEXT listener (kafka.sasl_enabled_mechanisms), or `off`'
            cand --kafka-ssl-listen 'Kafka SSL listener (needs kafka.tls_cert and kafka.tls_key), or `off`'
            cand --kafka-sasl-ssl-listen 'Kafka SASL_SSL listener (TLS and SASL), or `off`'
            cand --mqtt-listen 'MQTT listener (3.1, 3.1.1 and 5.0 over TCP), or `off`'
            cand --mqtt-ws-listen 'MQTT over WebSocket listener (path /mqtt), or `off`'
            cand --mqtt-tls-listen 'MQTT over TLS listener (needs mqtt.tls_cert and mqtt.tls_key), or `off`'
            cand --amqp-listen 'AMQP 0-9-1 listener, or `off`'
            cand --amqp-tls-listen 'AMQP 0-9-1 over TLS listener (needs amqp.tls_cert and amqp.tls_key), or `off`'
            cand --http-listen 'HTTP listener (/healthz, /readyz, /metrics), or `off`'
            cand --admin-listen 'Admin gRPC listener (the `robustmq` CLI talks to it), or `off`'
            cand --log-level 'Log filter, e.g. `info` or `robustmq_kafka=debug` (RUST_LOG overrides it)'
            cand --delete-unknown-partitions 'Delete partition directories that the metadata store does not list, instead of refusing to start (use only when that data is known to be unwanted)'
            cand --print-config 'Print the merged configuration as TOML and exit'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
    ]
    $completions[$command]
}
