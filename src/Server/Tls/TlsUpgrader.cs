using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Authentication;

namespace MailHost.Server.Tls;

/// <summary>
/// Server handshakes for implicit TLS and STARTTLS alike. Options come per handshake from the
/// snapshot current at that moment: versions, cipher suites, and the certificate chosen by SNI. They
/// are a function of (certificate context, policy), both objects of one snapshot revision, so they are
/// built once per pair and shared by the handshakes (SslStream only reads them); a new revision brings
/// new objects and so new options, and the old ones go with their keys.
/// </summary>
public sealed class TlsUpgrader(CertificateStore certificates)
{
    // The built-in floor when a listener names no policy: TLS 1.2+ with the intermediate suites.
    private static readonly TlsPolicySpec StrictDefault = SnapshotBuilder.ToSpec(TlsPresets.Create("intermediate"));

    private static readonly ConditionalWeakTable<TlsPolicySpec, CipherSuitesPolicy> SuitePolicies = [];

    private static readonly ConditionalWeakTable<SslStreamCertificateContext, ConditionalWeakTable<TlsPolicySpec, SslServerAuthenticationOptions>> Built = [];

    public static TlsPolicySpec PolicyFor(MailHostSnapshot snapshot, ListenerSpec listener)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(listener);
        return listener.TlsPolicyId is { } id && snapshot.TlsPolicies.TryGetValue(id, out var policy) ? policy : StrictDefault;
    }

    public async Task<SslStream> AuthenticateAsync(Stream inner, Func<MailHostSnapshot> snapshot, ListenerSpec listener, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(inner, leaveInnerStreamOpen: false);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            // The hello has been read when the callback runs: a recorder under us holds its bytes, which say whether ECDSA will do.
            await ssl.AuthenticateAsServerAsync((_, hello, _, _) => ValueTask.FromResult(BuildOptions(snapshot(), listener, hello.ServerName,
                inner is HandshakeRecorder recorder ? ClientHelloInfo.TryParse(recorder.Recorded)?.AcceptsEcdsa ?? true : true)), null, cts.Token);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    public SslServerAuthenticationOptions BuildOptions(MailHostSnapshot snapshot, ListenerSpec listener, string? serverName, bool acceptsEcdsa = true)
    {
        var policy = PolicyFor(snapshot, listener);
        var context = certificates.Select(snapshot, serverName, acceptsEcdsa)
            ?? throw new AuthenticationException("no server certificate is configured");
        return Built.GetOrCreateValue(context).GetValue(policy, p => new SslServerAuthenticationOptions
        {
            ServerCertificateContext = context,
            EnabledSslProtocols = p.Protocols,
            // Explicit always: a process-wide lowered OpenSSL floor (for legacy listeners) must not leak into the others.
            CipherSuitesPolicy = SuitePolicies.GetValue(p, q => new CipherSuitesPolicy(q.Suites)),
            ClientCertificateRequired = false,
            AllowRenegotiation = false,
            EncryptionPolicy = EncryptionPolicy.RequireEncryption,
            ApplicationProtocols = null,
        });
    }
}
