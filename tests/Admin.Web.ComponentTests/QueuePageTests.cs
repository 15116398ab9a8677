using Bunit;
using MailHost.Admin.Web.Backend;
using MailHost.Admin.Web.Components.Pages;

namespace MailHost.Admin.Web.ComponentTests;

public sealed class QueuePageTests : ConsoleTestContext
{
    public QueuePageTests()
    {
        Queue.Items.Add(new QueueItem("q-deferred", DateTime.UtcNow.AddHours(-2), "a@example.org", "x@example.net", 2_000_000, 3, DateTime.UtcNow.AddMinutes(5), "451 later", false));
        Queue.Items.Add(new QueueItem("q-held", DateTime.UtcNow.AddMinutes(-1), "b@example.org", "y@other.test", 500, 0, DateTime.UtcNow, "", true));
    }

    [Fact]
    public void Delete_AsksFirst_CancelKeepsTheMessage_ConfirmDeletesIt()
    {
        var cut = RenderPage<Queue>();
        Row(cut, "q-deferred").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();
        cut.WaitForAssertion(() => Assert.Contains("q-deferred", cut.Find(".mud-dialog").TextContent, StringComparison.Ordinal));
        DialogButton(cut, "Cancel").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll(".mud-dialog")));
        Assert.Empty(Queue.Calls);

        Row(cut, "q-deferred").QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Delete").Click();
        cut.WaitForAssertion(() => DialogButton(cut, "Delete").Click());
        cut.WaitForAssertion(() => Assert.Equal(["delete q-deferred by admin"], Queue.Calls));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-queue-id='q-deferred']")));
    }

    [Fact]
    public void States_AreShownAsChips_SizeInMegabytes()
    {
        var cut = RenderPage<Queue>();
        Assert.Equal("held", Row(cut, "q-held").QuerySelector("[data-state]")!.GetAttribute("data-state"));
        Assert.Equal("deferred", Row(cut, "q-deferred").QuerySelector("[data-state]")!.GetAttribute("data-state"));
        Assert.Contains("1.91 MB", Row(cut, "q-deferred").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void DeleteDeferred_ConfirmsWithTheCount_AndPassesTheDomainFilter()
    {
        var cut = RenderPage<Queue>();
        cut.Find("#q-domain").Input("example.net");
        cut.Find("#q-delete-deferred").Click();
        cut.WaitForAssertion(() => Assert.Contains("Delete 1 deferred message", cut.Find(".mud-dialog").TextContent, StringComparison.Ordinal));
        DialogButton(cut, "Delete").Click();
        cut.WaitForAssertion(() => Assert.Equal(["delete deferred"], Queue.Calls));
        Assert.Equal("example.net", Queue.LastFilter!.Domain);
    }

    [Fact]
    public void Flush_NeedsNoConfirmation_RetryAll_ConfirmsWhenItReleasesHeldMail()
    {
        var cut = RenderPage<Queue>();
        cut.Find("#q-flush").Click();
        cut.WaitForAssertion(() => Assert.Equal(["flush"], Queue.Calls));
        cut.Find("#q-retry-all").Click();
        cut.WaitForAssertion(() => Assert.Contains("released", cut.Find(".mud-dialog").TextContent, StringComparison.Ordinal));
        DialogButton(cut, "Cancel").Click();
        Assert.Equal(["flush"], Queue.Calls);
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<Microsoft.AspNetCore.Components.IComponent> cut, string id) =>
        cut.FindAll("#queue-grid tr").Single(tr => tr.QuerySelector($"[data-queue-id='{id}']") is not null);
}
