global using System.Globalization;
global using MailHost.Shared.Entities;
global using MailHost.Shared.Snapshot;

// MailHost targets Linux (SslStream over OpenSSL with CipherSuitesPolicy, Unix file modes).
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
