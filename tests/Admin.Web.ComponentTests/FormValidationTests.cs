using Bunit;
using MailHost.Admin.Web.Components.Pages;
using MailHost.Admin.Web.Components.Shared;
using MailHost.Shared.Validation;

namespace MailHost.Admin.Web.ComponentTests;

public sealed class FormValidationTests : ConsoleTestContext
{
    [Fact]
    public void ListenerForm_RefusedSave_ShowsEachErrorUnderItsField_RedField_NoSuccess()
    {
        Editor.Refuse = [new SettingsError("listener ''", "name", "is required"), new SettingsError("listener ''", "Port", "must be 1-65535")];
        var cut = RenderPage<Listeners>();
        cut.Find("#add-listener").Click();
        cut.Find("#save-listener").Click();
        cut.WaitForAssertion(() => Assert.Contains("Not saved", cut.Find(".mh-failure").TextContent, StringComparison.Ordinal));
        var nameField = cut.Find("#l-name").Closest("div.mh-form > div")!;
        Assert.Contains("is required", nameField.QuerySelector(".mh-field-error")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(nameField.QuerySelector(".mud-input-error"));
        var portField = cut.Find("#l-port").Closest("div.mh-form > div")!;
        Assert.Contains("must be 1-65535", portField.TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll(".mh-notice"));
        Assert.Empty(Editor.Actions);
    }

    [Fact]
    public void ListenerForm_AcceptedSave_ShowsNoticeAndClosesTheForm()
    {
        var cut = RenderPage<Listeners>();
        cut.Find("#add-listener").Click();
        cut.Find("#l-name").Input("new-one");
        cut.Find("#save-listener").Click();
        cut.WaitForAssertion(() => Assert.Equal(["add listener"], Editor.Actions));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("#listener-form")));
        // The fake engine has no such listener bound: the page reports that in red rather than a green "saved".
        cut.WaitForAssertion(() => Assert.Contains("could not bind 'new-one'", cut.Find("#apply-state").TextContent, StringComparison.Ordinal));
        Assert.Empty(cut.FindAll(".mh-notice"));
    }

    [Fact]
    public void IpRangeForm_EveryFlagHasOneLineOfHelp()
    {
        var cut = RenderPage<IpRanges>();
        cut.Find("#add-range").Click();
        var flags = cut.FindAll("#range-form .mh-flag");
        Assert.Equal(RangeFlags.All.Count, flags.Count);
        Assert.All(flags, f => Assert.True(f.QuerySelector(".mh-help")!.TextContent.Length > 10));
        Assert.NotNull(cut.Find("#r-require-tls"));
    }

    [Fact]
    public void SaveMessages_ShowsFailureOtherErrorsAndNotice()
    {
        var cut = Render<SaveMessages>(p => p
            .Add(x => x.Failure, "Not saved: fix the fields")
            .Add(x => x.Other, [new SettingsError("range 'x'", "priority", "too high")]));
        Assert.Contains("Not saved", cut.Find(".mh-failure").TextContent, StringComparison.Ordinal);
        Assert.Equal("range 'x': priority: too high", cut.Find(".mh-field-error").TextContent.Trim());
        Assert.Empty(cut.FindAll(".mh-notice"));
    }
}
