
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'robustmqd' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'robustmqd'
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
        'robustmqd' {
            [CompletionResult]::new('--roles', '--roles', [CompletionResultType]::ParameterName, 'Roles this process runs: any of meta, journal, broker (comma-separated)')
            [CompletionResult]::new('--data-dir', '--data-dir', [CompletionResultType]::ParameterName, 'Directory for all data (journal segments, metadata)')
            [CompletionResult]::new('--config', '--config', [CompletionResultType]::ParameterName, 'TOML configuration file')
            [CompletionResult]::new('--kafka-listen', '--kafka-listen', [CompletionResultType]::ParameterName, 'Kafka listener (security protocol PLAINTEXT), or `off`')
            [CompletionResult]::new('--kafka-sasl-listen', '--kafka-sasl-listen', [CompletionResultType]::ParameterName, 'Kafka SASL_PLAINTEXT listener (kafka.sasl_enabled_mechanisms), or `off`')
            [CompletionResult]::new('--kafka-ssl-listen', '--kafka-ssl-listen', [CompletionResultType]::ParameterName, 'Kafka SSL listener (needs kafka.tls_cert and kafka.tls_key), or `off`')
            [CompletionResult]::new('--kafka-sasl-ssl-listen', '--kafka-sasl-ssl-listen', [CompletionResultType]::ParameterName, 'Kafka SASL_SSL listener (TLS and SASL), or `off`')
            [CompletionResult]::new('--mqtt-listen', '--mqtt-listen', [CompletionResultType]::ParameterName, 'MQTT listener (3.1, 3.1.1 and 5.0 over TCP), or `off`')
            [CompletionResult]::new('--mqtt-ws-listen', '--mqtt-ws-listen', [CompletionResultType]::ParameterName, 'MQTT over WebSocket listener (path /mqtt), or `off`')
            [CompletionResult]::new('--mqtt-tls-listen', '--mqtt-tls-listen', [CompletionResultType]::ParameterName, 'MQTT over TLS listener (needs mqtt.tls_cert and mqtt.tls_key), or `off`')
            [CompletionResult]::new('--amqp-listen', '--amqp-listen', [CompletionResultType]::ParameterName, 'AMQP 0-9-1 listener, or `off`')
            [CompletionResult]::new('--amqp-tls-listen', '--amqp-tls-listen', [CompletionResultType]::ParameterName, 'AMQP 0-9-1 over TLS listener (needs amqp.tls_cert and amqp.tls_key), or `off`')
            [CompletionResult]::new('--http-listen', '--http-listen', [CompletionResultType]::ParameterName, 'HTTP listener (/healthz, /readyz, /metrics), or `off`')
            [CompletionResult]::new('--admin-listen', '--admin-listen', [CompletionResultType]::ParameterName, 'Admin gRPC listener (the `robustmq` CLI talks to it), or `off`')
            [CompletionResult]::new('--log-level', '--log-level', [CompletionResultType]::ParameterName, 'Log filter, e.g. `info` or `robustmq_kafka=debug` (RUST_LOG overrides it)')
            [CompletionResult]::new('--delete-unknown-partitions', '--delete-unknown-partitions', [CompletionResultType]::ParameterName, 'Delete partition directories that the metadata store does not list, instead of refusing to start (use only when that data is known to be unwanted)')
            [CompletionResult]::new('--print-config', '--print-config', [CompletionResultType]::ParameterName, 'Print the merged configuration as TOML and exit')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
