using MailHost.Server.Cli;
using MailHost.Server.Hosting;

// `mailhost <noun> <verb> …` acts on the data folder and exits; anything else serves.
return CliApp.IsCommand(args)
    ? await CliApp.RunAsync(args, Console.In, Console.Out, Console.Error)
    : await ServerHost.RunAsync(args);
