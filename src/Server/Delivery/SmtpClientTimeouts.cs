namespace MailHost.Server.Delivery;

/// <summary>RFC 5321 §4.5.3.2 client timeouts (defaults are the RFC's minimums), plus a connect timeout.</summary>
public sealed record SmtpClientTimeouts(
    TimeSpan Connect,
    TimeSpan Greeting,
    TimeSpan Command,
    TimeSpan DataInitiation,
    TimeSpan DataBlock,
    TimeSpan DataTermination)
{
    public static SmtpClientTimeouts Rfc5321 { get; } = new(
        Connect: TimeSpan.FromSeconds(30),
        Greeting: TimeSpan.FromMinutes(5),   // §4.5.3.2.1 initial 220
        Command: TimeSpan.FromMinutes(5),    // §4.5.3.2.2/3 MAIL, RCPT
        DataInitiation: TimeSpan.FromMinutes(2), // §4.5.3.2.4
        DataBlock: TimeSpan.FromMinutes(3),  // §4.5.3.2.5
        DataTermination: TimeSpan.FromMinutes(10)); // §4.5.3.2.6

    public static SmtpClientTimeouts Scaled(double seconds) => new(
        TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds),
        TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(seconds));
}
