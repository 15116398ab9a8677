using MailHost.Bench;

// A load generator for what smtp-source cannot do: SMTP over TLS, TLS handshake rate, idle
// connections, and settings-reload latency. Prints one JSON object of figures on stdout.
return args.FirstOrDefault() switch
{
    "smtp" => await SmtpLoad.RunAsync(Options.Parse(args[1..])),
    "handshake" => await HandshakeLoad.RunAsync(Options.Parse(args[1..])),
    "idle" => await IdleLoad.RunAsync(Options.Parse(args[1..])),
    "reload" => await ReloadLatency.RunAsync(Options.Parse(args[1..])),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: mailhost-load smtp --port P [--tls none|starttls|implicit] [--sessions 20] [--messages 5000] [--size 4096]
               mailhost-load handshake --port P [--concurrency 8] [--seconds 10] [--starttls smtp|imap]
               mailhost-load idle --port P --count N [--protocol smtp|imap] [--pid PID]
               mailhost-load reload [--changes 100]
        """);
    return 2;
}
