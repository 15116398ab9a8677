using MailHost.Server.Hosting;

namespace MailHost.Server.Smtp;

/// <summary>Registers the SMTP and submission handler.</summary>
public static class SmtpServiceCollectionExtensions
{
    public static IServiceCollection AddMailHostSmtp(this IServiceCollection services)
    {
        services.AddSingleton<IConnectionHandler, SmtpConnectionHandler>();
        // Inbound sender authentication (SPF, DKIM, DMARC, ARC) at the end of DATA.
        services.AddSingleton<MailAuth.Dkim.DkimKeyCache>();
        services.AddSingleton<MailAuth.InboundMailAuth>();
        services.AddOptions<MailAuth.MailAuthOptions>().BindConfiguration(MailAuth.MailAuthOptions.Section);
        // DMARC aggregate reports: sent once per interval (off by default), read from the configured address.
        services.AddOptions<MailAuth.Reports.DmarcReportOptions>().BindConfiguration(MailAuth.Reports.DmarcReportOptions.Section);
        services.AddSingleton<MailAuth.Reports.DmarcReportSender>();
        services.AddSingleton<MailAuth.Reports.DmarcReportIntake>();
        services.AddHostedService<MailAuth.Reports.DmarcReportWorker>();
        return services;
    }
}
