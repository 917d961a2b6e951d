complete -c robustmqd -l roles -d 'Roles this process runs: any of meta, journal, broker (comma-separated)' -r
complete -c robustmqd -l data-dir -d 'Directory for all data (journal segments, metadata)' -r -F
complete -c robustmqd -l config -d 'TOML configuration file' -r -F
complete -c robustmqd -l kafka-listen -d 'Kafka listener (security protocol PLAINTEXT), or `off`' -r
complete -c robustmqd -l kafka-sasl-listen -d 'Kafka SASL_PLAINTEXT listener (kafka.sasl_enabled_mechanisms), or `off`' -r
complete -c robustmqd -l kafka-ssl-listen -d 'Kafka SSL listener (needs kafka.tls_cert and kafka.tls_key), or `off`' -r
complete -c robustmqd -l kafka-sasl-ssl-listen -d 'Kafka SASL_SSL listener (TLS and SASL), or `off`' -r
complete -c robustmqd -l mqtt-listen -d 'MQTT listener (3.1, 3.1.1 and 5.0 over TCP), or `off`' -r
complete -c robustmqd -l mqtt-ws-listen -d 'MQTT over WebSocket listener (path /mqtt), or `off`' -r
complete -c robustmqd -l mqtt-tls-listen -d 'MQTT over TLS listener (needs mqtt.tls_cert and mqtt.tls_key), or `off`' -r
complete -c robustmqd -l amqp-listen -d 'AMQP 0-9-1 listener, or `off`' -r
complete -c robustmqd -l amqp-tls-listen -d 'AMQP 0-9-1 over TLS listener (needs amqp.tls_cert and amqp.tls_key), or `off`' -r
complete -c robustmqd -l http-listen -d 'HTTP listener (/healthz, /readyz, /metrics), or `off`' -r
complete -c robustmqd -l admin-listen -d 'Admin gRPC listener (the `robustmq` CLI talks to it), or `off`' -r
complete -c robustmqd -l log-level -d 'Log filter, e.g. `info` or `robustmq_kafka=debug` (RUST_LOG overrides it)' -r
complete -c robustmqd -l delete-unknown-partitions -d 'Delete partition directories that the metadata store does not list, instead of refusing to start (use only when that data is known to be unwanted)'
complete -c robustmqd -l print-config -d 'Print the merged configuration as TOML and exit'
complete -c robustmqd -s h -l help -d 'Print help'
complete -c robustmqd -s V -l version -d 'Print version'
