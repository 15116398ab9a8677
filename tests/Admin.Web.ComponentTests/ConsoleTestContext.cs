using Bunit;
using MailHost.Admin.Web.Backend;
using MailHost.Shared.Data;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace MailHost.Admin.Web.ComponentTests;

/// <summary>bunit context with MudBlazor's services, the console's fakes and the providers MainLayout hosts (dialogs, popovers, snackbars).</summary>
public abstract class ConsoleTestContext : BunitContext, IAsyncLifetime
{
    protected FakeQueueAdmin Queue { get; } = new();
    protected FakeSettingsEditor Editor { get; } = new();
    protected TempDatabase Database { get; } = new();

    protected ConsoleTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IQueueAdmin>(Queue);
        Services.AddSingleton<ISettingsEditor>(Editor);
        Services.AddSingleton<IEngineStatus>(new FakeEngineStatus());
        Services.AddSingleton<IDbContextFactory<MailHostDbContext>>(Database);
        Services.AddSingleton<IDbContextFactory<LogsDbContext>>(Database);
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<Logs.LogStatistics>();
    }

    /// <summary>Renders the page below the providers, as the layout does; returns the whole tree (dialogs render into the provider).</summary>
    protected IRenderedComponent<IComponent> RenderPage<TPage>() where TPage : IComponent => Render(builder =>
    {
        builder.OpenComponent<MudPopoverProvider>(0);
        builder.CloseComponent();
        builder.OpenComponent<MudDialogProvider>(1);
        builder.CloseComponent();
        builder.OpenComponent<MudSnackbarProvider>(2);
        builder.CloseComponent();
        builder.OpenComponent<TPage>(3);
        builder.CloseComponent();
    });

    /// <summary>The button in the open dialog with that text.</summary>
    protected static AngleSharp.Dom.IElement DialogButton(IRenderedComponent<IComponent> cut, string text) =>
        cut.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == text);

    // MudBlazor's services are IAsyncDisposable only: the container must be disposed asynchronously,
    // so xunit's async hook does it and the synchronous Dispose that follows has nothing left to do.
    private bool _disposedAsync;

    public Task InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync()
    {
        await DisposeAsync();
        _disposedAsync = true;
        Database.Dispose();
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposedAsync)
        {
            base.Dispose(disposing);
        }
    }
}
