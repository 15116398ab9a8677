namespace MailHost.Server.Cli;

public static partial class CliApp
{
    public const string ServerUsage = """
        usage: mailhost [--MailHost:DataDir=DIR] [--MailHost:PortOffset=N] [--urls=URL] [--MailHost:KEY=VALUE …]
          runs the server (one per data folder); see README.md for the configuration keys

        """;

    public const string Usage = """
        usage: mailhost <noun> <verb> [arguments] [--MailHost:DataDir=DIR]
          status
          server show | server set [--hostname H] [--banner B] [--max-message-size MB] [--max-header-size N] [--max-header-line-length N] [--max-recipients N] [--max-connections-per-ip N] [--vrfy yes|no] [--retry-schedule M,M,…] [--auth-fail-limit N] …
          domain add|list|remove NAME | domain set NAME [--mta-sts none|testing|enforce] [--mta-sts-max-age SECONDS] [--mta-sts-mx NAME,…]
          account add|list|passwd|remove ADDRESS [--password-stdin] [--quota MB] [--smtp yes|no] [--imap yes|no] [--pop3 yes|no]
          alias add|list|remove ADDRESS [TARGET,…]
          listener list | listener set NAME [--port N] [--address A] [--tls none|optional|required|implicit] [--enabled yes|no] [--auth yes|no] [--policy NAME] [--proxy-protocol off|v1|v2|any --proxy-from CIDR,…]
          iprange list | iprange add NAME CIDR|LOWER-UPPER [flags] | iprange set NAME [flags] | iprange remove NAME
              flags: --priority N --smtp --imap --pop3 --auth --require-tls-auth --relay --local-delivery --never-ban --verify-sender-auth (each yes|no, on|off) --expires DATE
          tls policy list | tls policy set NAME [--preset modern|intermediate|legacy] [--tls10 --tls11 --tls12 --tls13 yes|no] [--ciphers LIST] [--tls13-suites LIST]
          cert list | cert import NAME FILE [--password P] [--default] [--force] | cert self-signed NAME HOST [--rsa] [--default] [--force] | cert default NAME [--force]
              (--force: replace the certificate for the host name even when its key matches no live TLSA 3 1 1 record)
          cert acme add NAME --domain D [--domain D…] --directory URL|letsencrypt|letsencrypt-staging --email E [--challenge http-01|tls-alpn-01] [--key ecdsa|rsa|both] [--default] [--agree-tos]
          cert acme list | cert acme renew NAME
          dkim generate DOMAIN [--selector S] [--algorithm rsa2048|rsa4096|ed25519] [--active] | dkim list | dkim show DOMAIN [--selector S]
          route add NAME --domain D --smarthost HOST[:PORT] [--user U --password P] [--tls none|may|encrypt|verify] [--dane off|opportunistic|required] | route list | route remove NAME
          ban list | ban remove ADDRESS
          queue list|flush|retry-all|delete-deferred [--state queued|deferred|held] [--domain D] [--older-than MIN] | queue retry|hold|release|delete ID
          trace QUEUEID|MESSAGE-ID
          dns show DOMAIN   (MX, SPF, DKIM, DMARC, MTA-STS, TLS-RPT, TLSA records to publish, checked against the live DNS)
          dmarc reports list [--domain D]   (DMARC aggregate reports received at MailHost:DmarcReports:Address) | dmarc sent list   (reports we sent or skipped, and why)
          node list   (the nodes sharing one PostgreSQL database: address, version, last seen, listeners bound)
        exit codes: 0 ok, 1 validation error, 2 usage
        """;

    private static async Task<int> DispatchAsync(CliContext c)
    {
        await using (c)
        {
            var noun = c.Arg(0, "noun");
            return noun switch
            {
                "status" => await StatusCommands.RunAsync(c),
                "server" => await ServerCommands.RunAsync(c),
                "domain" => await MailboxCommands.DomainAsync(c),
                "account" => await MailboxCommands.AccountAsync(c),
                "alias" => await MailboxCommands.AliasAsync(c),
                "listener" => await ListenerCommands.RunAsync(c),
                "iprange" => await IpRangeCommands.RunAsync(c),
                "tls" => await TlsCommands.RunAsync(c),
                "cert" => await CertCommands.RunAsync(c),
                "route" => await RouteCommands.RunAsync(c),
                "ban" => await BanCommands.RunAsync(c),
                "dkim" => await DkimCommands.RunAsync(c),
                "queue" => await QueueCommands.RunAsync(c),
                "trace" => await TraceCommands.RunAsync(c),
                "dns" => await DnsCommands.RunAsync(c),
                "node" => await NodeCommands.RunAsync(c),
                "dmarc" => await DmarcCommands.RunAsync(c),
                "help" => Help(c),
                _ => throw new CliUsageException($"unknown noun '{noun}'"),
            };
        }
    }

    private static int Help(CliContext c)
    {
        c.Output.WriteLine(Usage);
        return 0;
    }
}
