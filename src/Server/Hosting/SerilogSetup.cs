using Microsoft.AspNetCore.Http;
using Serilog;
using Serilog.Events;

namespace MailHost.Server.Hosting;

/// <summary>
/// The one place Serilog is configured: levels, the console and rolling-file sinks, and the console's
/// request log. Enrichers and formatters (e.g. escaping control characters in logged values) are
/// wired in <see cref="Configure"/>, so every sink gets them.
/// </summary>
public static class SerilogSetup
{
    /// <summary>
    /// Registers Serilog for this host only: the static Log.Logger is left alone
    /// (preserveStaticLogger), so several hosts in one process (the tests) each keep their own logger and files.
    /// </summary>
    public static IServiceCollection AddMailHostSerilog(this IServiceCollection services, string dataDir) =>
        services.AddSerilog((_, configuration) => Configure(configuration, dataDir), preserveStaticLogger: true);

    public static LoggerConfiguration Configure(LoggerConfiguration configuration, string dataDir)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration
            .MinimumLevel.Information()
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .Enrich.FromLogContext()
            // Client input (user names, SMTP arguments) must never forge a log line.
            .Enrich.With(new Logging.ControlCharacterEscapingEnricher())
            .WriteTo.Console(formatProvider: CultureInfo.InvariantCulture)
            .WriteTo.File(Path.Combine(dataDir, "logs", "mailhost-.log"), rollingInterval: RollingInterval.Day, retainedFileCountLimit: 14, formatProvider: CultureInfo.InvariantCulture);
    }

    /// <summary>One line per console request (method, path, status, time) in place of ASP.NET Core's several.</summary>
    public static IApplicationBuilder UseMailHostRequestLogging(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // This host's logger: without it the middleware writes to the static Log.Logger, which preserveStaticLogger leaves silent.
        var logger = app.ApplicationServices.GetRequiredService<Serilog.ILogger>();
        return app.UseSerilogRequestLogging(options =>
        {
            options.Logger = logger;
            options.GetLevel = RequestLevel;
        });
    }

    /// <summary>
    /// Failures always show; page, sign-in and API requests at Information; the Blazor circuit, framework
    /// scripts and static assets (dozens per page view) only at Debug.
    /// </summary>
    public static LogEventLevel RequestLevel(HttpContext context, double elapsedMilliseconds, Exception? exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (exception is not null || context.Response.StatusCode >= 500)
        {
            return LogEventLevel.Error;
        }
        var path = context.Request.Path;
        return path.StartsWithSegments("/_blazor") || path.StartsWithSegments("/_framework") || path.StartsWithSegments("/_content")
            || Path.HasExtension(path.Value)
            ? LogEventLevel.Debug
            : LogEventLevel.Information;
    }
}
