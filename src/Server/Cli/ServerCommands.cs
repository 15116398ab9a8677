namespace MailHost.Server.Cli;

/// <summary>`mailhost server show|set`: server-wide settings (host name, banner, message and header limits, retry schedule, auth throttling).</summary>
internal static class ServerCommands
{
    public static async Task<int> RunAsync(CliContext c)
    {
        switch (c.Arg(1, "verb (show|set)"))
        {
            case "show":
                await using (var db = await c.DbAsync())
                {
                    var s = db.ServerSettings.Single();
                    TablePrinter.Print(c.Output, ["SETTING", "VALUE"],
                    [
                        ["revision", s.Revision.ToString(CultureInfo.InvariantCulture)],
                        ["hostname", s.Hostname],
                        ["banner", s.Banner],
                        ["max-message-size", MailHost.Admin.Web.Backend.SizeText.Megabytes(s.MaxMessageSize)],
                        ["max-header-size", s.MaxHeaderBytes.ToString(CultureInfo.InvariantCulture)],
                        ["max-header-line-length", s.MaxHeaderLineLength.ToString(CultureInfo.InvariantCulture)],
                        ["max-recipients", s.MaxRecipients.ToString(CultureInfo.InvariantCulture)],
                        ["min-free-disk-mb", s.MinFreeDiskMegabytes.ToString(CultureInfo.InvariantCulture)],
                        ["max-connections-per-ip", s.MaxConnectionsPerIp.ToString(CultureInfo.InvariantCulture)],
                        ["max-errors", s.MaxErrorsPerSession.ToString(CultureInfo.InvariantCulture)],
                        ["max-commands-before-mail", s.MaxCommandsBeforeMail.ToString(CultureInfo.InvariantCulture)],
                        ["vrfy", TablePrinter.YesNo(s.VrfyEnabled)],
                        ["received-shows-auth-user", TablePrinter.YesNo(s.ReceivedHeaderShowsAuthUser)],
                        ["sender-login-match", TablePrinter.YesNo(s.RejectSenderLoginMismatch)],
                        ["retry-schedule", s.RetrySchedule],
                        ["give-up-after-hours", s.GiveUpAfterHours.ToString(CultureInfo.InvariantCulture)],
                        ["auth-fail-limit", s.AuthFailLimit.ToString(CultureInfo.InvariantCulture)],
                        ["auth-fail-window-minutes", s.AuthFailWindowMinutes.ToString(CultureInfo.InvariantCulture)],
                        ["auth-ban-minutes", s.AuthBanMinutes.ToString(CultureInfo.InvariantCulture)],
                    ]);
                }
                return 0;
            case "set":
                await c.Settings.UpdateAsync("cli", "server set", (d, _) =>
                {
                    var s = d.Server;
                    s.Hostname = c.Flag("hostname") ?? s.Hostname;
                    s.Banner = c.Flag("banner") ?? s.Banner;
                    s.MaxMessageSize = c.Flag("max-message-size") is { } size ? MailHost.Admin.Web.Backend.SizeText.ParseMegabytes(size) ?? throw new CliUsageException("--max-message-size takes megabytes, e.g. 35") : s.MaxMessageSize;
                    s.MaxHeaderBytes = c.IntFlag("max-header-size") ?? s.MaxHeaderBytes;
                    s.MaxHeaderLineLength = c.IntFlag("max-header-line-length") ?? s.MaxHeaderLineLength;
                    s.MaxRecipients = c.IntFlag("max-recipients") ?? s.MaxRecipients;
                    s.MinFreeDiskMegabytes = c.IntFlag("min-free-disk-mb") ?? s.MinFreeDiskMegabytes;
                    s.MaxConnectionsPerIp = c.IntFlag("max-connections-per-ip") ?? s.MaxConnectionsPerIp;
                    s.MaxErrorsPerSession = c.IntFlag("max-errors") ?? s.MaxErrorsPerSession;
                    s.MaxCommandsBeforeMail = c.IntFlag("max-commands-before-mail") ?? s.MaxCommandsBeforeMail;
                    s.VrfyEnabled = c.BoolFlag("vrfy") ?? s.VrfyEnabled;
                    s.ReceivedHeaderShowsAuthUser = c.BoolFlag("received-shows-auth-user") ?? s.ReceivedHeaderShowsAuthUser;
                    s.RejectSenderLoginMismatch = c.BoolFlag("sender-login-match") ?? s.RejectSenderLoginMismatch;
                    s.RetrySchedule = c.Flag("retry-schedule") ?? s.RetrySchedule;
                    s.GiveUpAfterHours = c.IntFlag("give-up-after-hours") ?? s.GiveUpAfterHours;
                    s.AuthFailLimit = c.IntFlag("auth-fail-limit") ?? s.AuthFailLimit;
                    s.AuthFailWindowMinutes = c.IntFlag("auth-fail-window-minutes") ?? s.AuthFailWindowMinutes;
                    s.AuthBanMinutes = c.IntFlag("auth-ban-minutes") ?? s.AuthBanMinutes;
                }, CancellationToken.None);
                c.Output.WriteLine("server settings saved");
                return 0;
            default:
                throw new CliUsageException("server verbs: show, set");
        }
    }
}
