using Bunit;
using MailHost.Admin.Web.Components.Pages;
using MailHost.Shared.Entities;

namespace MailHost.Admin.Web.ComponentTests;

/// <summary>Destructive settings actions ask in a MudDialog before anything is saved.</summary>
public sealed class ConfirmationTests : ConsoleTestContext
{
    [Fact]
    public void ListenerDelete_CancelSavesNothing_ConfirmSaves()
    {
        using (var db = Database.CreateDbContext())
        {
            db.Listeners.Add(new Listener { Name = "doomed", BindAddress = "127.0.0.1", Port = 2999, Protocol = ListenerProtocol.Smtp });
            db.SaveChanges();
        }
        var cut = RenderPage<Listeners>();
        var delete = cut.FindAll("#listeners-grid tr").Single(tr => tr.QuerySelector("[data-listener='doomed']") is not null)
            .QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Delete");
        delete.Click();
        cut.WaitForAssertion(() => Assert.Contains("doomed", cut.Find(".mud-dialog").TextContent, StringComparison.Ordinal));
        DialogButton(cut, "Cancel").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".mud-dialog")));
        Assert.Empty(Editor.Actions);

        cut.FindAll("#listeners-grid tr").Single(tr => tr.QuerySelector("[data-listener='doomed']") is not null)
            .QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();
        cut.WaitForAssertion(() => DialogButton(cut, "Delete").Click());
        cut.WaitForAssertion(() => Assert.Equal(["delete listener"], Editor.Actions));
    }
}
