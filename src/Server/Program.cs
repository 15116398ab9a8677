using MailHost.Server.Cli;
using MailHost.Server.Hosting;

// Legacy charsets (windows-1252, iso-2022-jp, …) in incoming mail decode through MimeKit only with the code pages registered.
System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);

// `mailhost <noun> <verb> …` acts on the data folder and exits; anything else serves.
if (CliApp.IsCommand(args))
{
    return await CliApp.RunAsync(args, Console.In, Console.Out, Console.Error);
}
if (ServerArguments.AsksForHelp(args) || ServerArguments.FirstUnknown(args) is not null)
{
    if (ServerArguments.FirstUnknown(args) is { } unknown && !ServerArguments.AsksForHelp(args))
    {
        await Console.Error.WriteLineAsync($"mailhost: unknown option '{unknown}'");
    }
    await Console.Error.WriteLineAsync(CliApp.ServerUsage + CliApp.Usage);
    return 2;
}
return await ServerHost.RunAsync(args);
