using MailHost.Server.Cli;
using MailHost.Server.Hosting;

// Legacy charsets (windows-1252, iso-2022-jp, …) in incoming mail decode through MimeKit only with the code pages registered.
System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);

// `mailhost <noun> <verb> …` acts on the data folder and exits; anything else serves.
return CliApp.IsCommand(args)
    ? await CliApp.RunAsync(args, Console.In, Console.Out, Console.Error)
    : await ServerHost.RunAsync(args);
